package io.streamwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LikelihoodCalibrationTest {

    /** Unaveraged and without refractory filter, so that the raw score given is the one calibrated. */
    private static final LikelihoodCalibration SINGLE = new LikelihoodCalibration(1, 1000, 10, 6.0, 0.0, 0.0);

    @Test
    void theNormalTailIsAccurateFarOut() {
        assertThat(NormalTail.upper(0.0)).isCloseTo(0.5, offset(1e-7));
        assertThat(NormalTail.upper(1.959964)).isCloseTo(0.025, withinPercentage(1e-4));
        assertThat(NormalTail.upper(-1.959964)).isCloseTo(0.975, offset(1e-7));
        // P(Z > 10) = 7.6199e-24
        assertThat(NormalTail.upper(10.0)).isCloseTo(7.6199e-24, withinPercentage(0.01));
        assertThat(NormalTail.upper(40.0)).isEqualTo(0.0);
    }

    @Test
    void probabilitiesAreTheNormalTailOfTheAverageAgainstItsHistory() {
        LikelihoodState state = SINGLE.newState();
        Random random = new Random(1);
        for (int i = 0; i < 5000; i++) {
            SINGLE.tailProbability(state, 10.0 + random.nextGaussian());
        }
        double previous = 1.0;
        for (double raw = 5.0; raw < 30.0; raw += 0.5) {
            double p = SINGLE.tailProbability(copy(state), raw);
            assertThat(p).isBetween(0.0, 1.0).isLessThanOrEqualTo(previous);
            previous = p;
        }
        // about 3 sd above a mean of 10: p near 0.00135, a score near -log10(0.00135) / 6 = 0.48
        double p = SINGLE.tailProbability(copy(state), 13.0);
        assertThat(p).isBetween(0.0008, 0.002);
        assertThat(SINGLE.score(p)).isBetween(0.45, 0.52);
        assertThat(SINGLE.score(1e-6)).isEqualTo(1.0);
        assertThat(SINGLE.score(1.0)).isEqualTo(0.0);
    }

    @Test
    void averagesTheLastWindowOfRawScores() {
        LikelihoodCalibration averaged = new LikelihoodCalibration(5, 1000, 10, 6.0, 0.0, 0.0);
        LikelihoodState state = averaged.newState();
        Random random = new Random(2);
        for (int i = 0; i < 2000; i++) {
            averaged.tailProbability(state, random.nextGaussian());
        }
        // one raw score of 5 sd moves the average of 5 by 1 sd of a single one, about 2.2 sd of the average
        LikelihoodState once = copy(state);
        double single = averaged.tailProbability(once, 5.0);
        LikelihoodState twice = copy(state);
        averaged.tailProbability(twice, 5.0);
        double repeated = averaged.tailProbability(twice, 5.0);
        assertThat(single).isBetween(0.001, 0.1);
        assertThat(repeated).isLessThan(single / 10);
    }

    @Test
    void warmsUpUntilItKnowsEnoughAveragesAndIsLessSureWhileYoung() {
        LikelihoodCalibration calibration = new LikelihoodCalibration(5, 1000, 10, 6.0, 0.0, 0.0);
        LikelihoodState state = calibration.newState();
        Random random = new Random(3);
        // 4 raw scores before the first average, then 10 averages before the first probability
        for (int i = 0; i < 14; i++) {
            assertThat(calibration.tailProbability(state, random.nextGaussian()))
                    .isNaN();
        }
        assertThat(calibration.tailProbability(state, random.nextGaussian())).isBetween(0.0, 1.0);

        // the same history, but seen as 20 averages or as 2,000: a young one widens the sd by 1 + 1/sqrt(k)
        LikelihoodState young = calibration.newState();
        young.recent = new double[5];
        young.seen = 100;
        young.averages = 20;
        young.variance = 1.0;
        LikelihoodState old = copy(young);
        old.averages = 2000;
        assertThat(calibration.tailProbability(young, 20.0)).isGreaterThan(calibration.tailProbability(old, 20.0));
    }

    @Test
    void aFlatHistoryMakesAnyRiseCertainAndNothingElse() {
        LikelihoodState state = SINGLE.newState();
        for (int i = 0; i < 50; i++) {
            SINGLE.tailProbability(state, 0.0);
        }
        assertThat(SINGLE.tailProbability(copy(state), 0.0)).isEqualTo(1.0);
        assertThat(SINGLE.score(SINGLE.tailProbability(copy(state), 1e-9))).isEqualTo(1.0);
    }

    @Test
    void theRefractoryFilterReportsTheOnsetOfASaturatedRunOnce() {
        LikelihoodCalibration calibration = new LikelihoodCalibration(1, 1000, 10, 6.0, 0.0, 0.99);
        LikelihoodState state = calibration.newState();

        assertThat(calibration.refractory(state, 0.3)).isEqualTo(0.3);
        assertThat(calibration.refractory(state, 1.0)).isEqualTo(1.0);
        assertThat(calibration.refractory(state, 1.0)).isEqualTo(0.0);
        assertThat(calibration.refractory(state, 0.5)).isEqualTo(0.0);
        // once the run has ended the peak decays below 1, and a new onset shows
        assertThat(calibration.refractory(state, 1.0)).isEqualTo(1.0);
    }

    @Test
    void stateRestoredUnderAnotherWindowStartsAfresh() {
        LikelihoodState state = SINGLE.newState();
        for (int i = 0; i < 100; i++) {
            SINGLE.tailProbability(state, i);
        }
        LikelihoodCalibration wider = new LikelihoodCalibration(5, 1000, 10, 6.0, 0.0, 0.0);

        assertThat(wider.tailProbability(state, 1.0)).isNaN();
        assertThat(state.recent).hasSize(5);
        assertThat(state.averages).isZero();
    }

    @Test
    void rejectsInvalidParametersByName() {
        assertThatThrownBy(() -> new LikelihoodCalibration(0, 1000, 10, 6.0, 0.1, 0.99))
                .hasMessageContaining("window");
        assertThatThrownBy(() -> new LikelihoodCalibration(5, 0, 10, 6.0, 0.1, 0.99))
                .hasMessageContaining("history");
        assertThatThrownBy(() -> new LikelihoodCalibration(5, 1000, 1, 6.0, 0.1, 0.99))
                .hasMessageContaining("minHistory");
        assertThatThrownBy(() -> new LikelihoodCalibration(5, 1000, 10, 0.0, 0.1, 0.99))
                .hasMessageContaining("digits");
        assertThatThrownBy(() -> new LikelihoodCalibration(5, 1000, 10, 6.0, -1.0, 0.99))
                .hasMessageContaining("relativeMinScale");
        assertThatThrownBy(() -> new LikelihoodCalibration(5, 1000, 10, 6.0, 0.1, 1.0))
                .hasMessageContaining("refractoryDecay");
    }

    private static LikelihoodState copy(LikelihoodState s) {
        LikelihoodState c = new LikelihoodState();
        c.recent = s.recent.clone();
        c.seen = s.seen;
        c.averages = s.averages;
        c.mean = s.mean;
        c.variance = s.variance;
        c.peak = s.peak;
        return c;
    }
}
