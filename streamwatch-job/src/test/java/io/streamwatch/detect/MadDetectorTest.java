package io.streamwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MadDetectorTest {

    @Test
    void scoresTheRobustZAgainstMedianAndMad() {
        MadDetector detector = new MadDetector(5, 5, ZScoring.DEFAULT);
        MadState state = detector.newState();
        for (double v : new double[] {1, 2, 3, 4, 100}) {
            assertThat(detector.assess(state, 0L, v)).isEqualTo(Assessment.WARMING_UP);
        }
        // median 3; deviations 2, 1, 0, 1, 97: MAD 1 despite the 100
        double sd = 1.4826;

        Assessment assessment = detector.assess(state, 0L, 3.0 + 4.5 * sd);

        assertThat(assessment.score()).isCloseTo(0.5, within(1e-9));
        assertThat(assessment.expectedLow()).isCloseTo(3.0 - 3 * sd, within(1e-9));
        assertThat(assessment.expectedHigh()).isCloseTo(3.0 + 3 * sd, within(1e-9));
    }

    @Test
    void forgetsValuesOlderThanTheWindow() {
        MadDetector detector = new MadDetector(3, 3, ZScoring.DEFAULT);
        MadState state = detector.newState();
        for (double v : new double[] {500, 500, 500, 1, 2, 3}) {
            detector.assess(state, 0L, v);
        }

        Assessment assessment = detector.assess(state, 0L, 2.0);

        assertThat(state.values).hasSize(3);
        assertThat(assessment.score()).isEqualTo(0.0);
        assertThat(assessment.expectedHigh()).isCloseTo(2.0 + 3 * 1.4826, within(1e-9));
    }

    @Test
    void rejectsInvalidParametersByName() {
        assertThatThrownBy(() -> new MadDetector(2, 2, ZScoring.DEFAULT)).hasMessageContaining("window");
        assertThatThrownBy(() -> new MadDetector(10, 2, ZScoring.DEFAULT)).hasMessageContaining("warmup");
        assertThatThrownBy(() -> new MadDetector(10, 11, ZScoring.DEFAULT)).hasMessageContaining("warmup");
        assertThatThrownBy(() -> new MadDetector(10, 5, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scoring");
    }
}
