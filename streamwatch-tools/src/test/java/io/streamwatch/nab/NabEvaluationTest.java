package io.streamwatch.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamwatch.detect.Assessment;
import io.streamwatch.detect.Detector;
import io.streamwatch.nab.NabScorer.ProfileResult;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.junit.jupiter.api.Test;

class NabEvaluationTest {

    /** Scores 1 on the first value above 100 it sees, then 0; counts rows to prove fresh state. */
    static final class FirstBigValue implements Detector<FirstBigValue.State> {
        public static final class State {
            public boolean fired;
            public int rows;
        }

        @Override
        public String name() {
            return "firstBigValue";
        }

        @Override
        public TypeInformation<State> stateType() {
            return TypeInformation.of(State.class);
        }

        @Override
        public State newState() {
            return new State();
        }

        @Override
        public Assessment assess(State s, long timestamp, double value) {
            s.rows++;
            boolean fire = !s.fired && value > 100;
            s.fired |= fire;
            return new Assessment(fire ? 1.0 : 0.0, 0, 100);
        }
    }

    @Test
    void runsEachSeriesFromFreshStateAndScoresIt() {
        Path fixtures = NabTestData.fixtures();
        // tiny_series: 6 rows, probation ⌊0.9⌋ = 0; windows [1, 2] and [4, 4]. The only score 1 is
        // row 3 (4e3). Candidates: T = 1.1 → −2; T = 1 → −2 + FP at row 3, after [1, 2] (w = 2):
        // y = (3 − 2)/1 = 1, 0.11·σ(1) = −0.1085; T = 0 flags every row: both windows at their
        // left edges (+2), row 0 before any window (−0.11), row 3 (0.11·σ(1)), row 5 after the
        // one-row window [4, 4] (−0.11) → 1.78 + 0.11·σ(1) = 1.6715: T = 0 wins.
        Map<NabProfile, ProfileResult> r =
                NabEvaluation.evaluate(new FirstBigValue(), fixtures.resolve("data"), fixtures.resolve("windows.json"));
        ProfileResult standard = r.get(NabProfile.STANDARD);
        double raw = 1.78 + 0.11 * NabScorer.scaledSigmoid(1.0);
        assertThat(standard.threshold()).isEqualTo(0.0);
        assertThat(standard.rawScore()).isCloseTo(raw, within(1e-12));
        assertThat(standard.normalizedScore()).isCloseTo(100 * (raw + 2) / 4, within(1e-12));
        assertThat(r).containsOnlyKeys(NabProfile.values());

        NabSeries s = NabSeries.read(fixtures.resolve("data"), "demo/tiny_series.csv");
        assertThat(NabEvaluation.detect(new FirstBigValue(), s)).containsExactly(0, 0, 0, 1, 0, 0);
    }
}
