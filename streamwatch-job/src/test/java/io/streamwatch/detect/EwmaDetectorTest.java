package io.streamwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EwmaDetectorTest {

    private final EwmaDetector detector = new EwmaDetector(0.1, 5, ZScoring.DEFAULT);

    @Test
    void warmsUpOnTheExactMeanAndPopulationVariance() {
        EwmaState state = detector.newState();
        for (double v : new double[] {1, 2, 3, 4, 5}) {
            assertThat(detector.assess(state, 0L, v)).isEqualTo(Assessment.WARMING_UP);
        }

        assertThat(state.mean).isCloseTo(3.0, within(1e-12));
        assertThat(state.variance).isCloseTo(2.0, within(1e-12));
    }

    @Test
    void scoresAgainstTheBaselineBeforeTheValue() {
        EwmaState state = warmState(3.0, 2.0);
        double sd = Math.sqrt(2.0);

        Assessment assessment = detector.assess(state, 0L, 3.0 + 4.5 * sd);

        assertThat(assessment.score()).isCloseTo(0.5, within(1e-9));
        assertThat(assessment.expectedLow()).isCloseTo(3.0 - 3 * sd, within(1e-9));
        assertThat(assessment.expectedHigh()).isCloseTo(3.0 + 3 * sd, within(1e-9));
    }

    @Test
    void afterWarmupFoldsWithWeightAlpha() {
        EwmaState state = warmState(10.0, 4.0);

        detector.assess(state, 0L, 12.0);

        assertThat(state.mean).isCloseTo(10.2, within(1e-12));
        assertThat(state.variance).isCloseTo(0.9 * (4.0 + 0.1 * 4.0), within(1e-12));
    }

    @Test
    void anOutlierMovesTheBaselineNoMoreThanAValueAtTheEdgeOfTheBand() {
        EwmaState state = warmState(10.0, 4.0);

        assertThat(detector.assess(state, 0L, 1e9).score()).isEqualTo(1.0);

        // clipped to 10 + 3 * 2 = 16
        assertThat(state.mean).isCloseTo(10.0 + 0.1 * 6.0, within(1e-9));
        assertThat(state.variance).isCloseTo(0.9 * (4.0 + 0.1 * 36.0), within(1e-9));
    }

    @Test
    void theSpreadMaySmoothMoreSlowlyThanTheMean() {
        EwmaDetector slowSpread = new EwmaDetector(0.1, 0.01, 5, ZScoring.DEFAULT);
        EwmaState state = warmState(10.0, 4.0);

        slowSpread.assess(state, 0L, 12.0);

        assertThat(state.mean).isCloseTo(10.2, within(1e-12));
        assertThat(state.variance).isCloseTo(0.99 * (4.0 + 0.01 * 4.0), within(1e-12));
    }

    @Test
    void aFlatSeriesUsesTheSpreadFloor() {
        EwmaState state = warmState(100.0, 0.0);

        assertThat(detector.assess(state, 0L, 102.0).score()).isEqualTo(0.0);
        assertThat(detector.assess(warmState(100.0, 0.0), 0L, 104.5).score()).isCloseTo(0.5, within(1e-9));
        assertThat(detector.assess(warmState(0.0, 0.0), 0L, 0.001).score()).isEqualTo(1.0);
    }

    @Test
    void rejectsInvalidParametersByName() {
        assertThatThrownBy(() -> new EwmaDetector(0.0, 5, ZScoring.DEFAULT)).hasMessageContaining("alpha");
        assertThatThrownBy(() -> new EwmaDetector(1.5, 5, ZScoring.DEFAULT)).hasMessageContaining("alpha");
        assertThatThrownBy(() -> new EwmaDetector(0.1, 0.0, 5, ZScoring.DEFAULT))
                .hasMessageContaining("spreadAlpha");
        assertThatThrownBy(() -> new EwmaDetector(0.1, 1, ZScoring.DEFAULT)).hasMessageContaining("warmup");
        assertThatThrownBy(() -> new EwmaDetector(0.1, 5, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scoring");
    }

    /** A state past warm-up with the given baseline. */
    private EwmaState warmState(double mean, double variance) {
        EwmaState state = detector.newState();
        state.count = 100;
        state.mean = mean;
        state.variance = variance;
        return state;
    }
}
