package io.streamwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ThresholdDetectorTest {

    private final ThresholdDetector detector = new ThresholdDetector(90.0, 110.0, 10.0);

    @Test
    void scoresDistanceBeyondTheCrossedBoundOverTheMargin() {
        assertThat(score(detector, 100.0)).isEqualTo(0.0);
        assertThat(score(detector, 110.0)).isEqualTo(0.0);
        assertThat(score(detector, 115.0)).isEqualTo(0.5);
        assertThat(score(detector, 87.5)).isEqualTo(0.25);
        assertThat(score(detector, 130.0)).isEqualTo(1.0);
    }

    @Test
    void expectedRangeIsTheBand() {
        Assessment assessment = detector.assess(detector.newState(), 0L, 120.0);

        assertThat(assessment.expectedLow()).isEqualTo(90.0);
        assertThat(assessment.expectedHigh()).isEqualTo(110.0);
    }

    @Test
    void anAbsentBoundIsOpenEnded() {
        ThresholdDetector upperOnly = new ThresholdDetector(Double.NEGATIVE_INFINITY, 110.0, 10.0);

        assertThat(score(upperOnly, -1e9)).isEqualTo(0.0);
        assertThat(score(upperOnly, 120.0)).isEqualTo(1.0);
    }

    @Test
    void countsObservationsInItsState() {
        ThresholdState state = detector.newState();
        detector.assess(state, 0L, 1.0);
        detector.assess(state, 1L, 2.0);

        assertThat(state.observations).isEqualTo(2);
    }

    @Test
    void rejectsInvalidParametersByName() {
        assertThatThrownBy(() -> new ThresholdDetector(1.0, 2.0, 0.0)).hasMessageContaining("margin");
        assertThatThrownBy(() -> new ThresholdDetector(3.0, 2.0, 1.0)).hasMessageContaining("lower");
        assertThatThrownBy(() -> new ThresholdDetector(Double.NaN, 2.0, 1.0)).hasMessageContaining("lower");
        assertThatThrownBy(() -> new ThresholdDetector(1.0, Double.NEGATIVE_INFINITY, 1.0))
                .hasMessageContaining("upper");
        assertThatThrownBy(() -> new ThresholdDetector(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lower or upper");
    }

    @Test
    void refusesNonFiniteValues() {
        assertThatThrownBy(() -> detector.assess(detector.newState(), 0L, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("value");
    }

    private static double score(ThresholdDetector detector, double value) {
        return detector.assess(detector.newState(), 0L, value).score();
    }
}
