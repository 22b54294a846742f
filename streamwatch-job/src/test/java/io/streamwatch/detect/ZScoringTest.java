package io.streamwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ZScoringTest {

    private final ZScoring scoring = new ZScoring(3.0, 6.0, 0.5, 0.01);

    @Test
    void scoreRampsLinearlyFromZLowToZHigh() {
        assertThat(scoring.assess(10.0 + 2.9, 10.0, 1.0).score()).isEqualTo(0.0);
        assertThat(scoring.assess(10.0 - 4.5, 10.0, 1.0).score()).isCloseTo(0.5, within(1e-12));
        assertThat(scoring.assess(10.0 + 6.0, 10.0, 1.0).score()).isEqualTo(1.0);
        assertThat(scoring.assess(10.0 + 60.0, 10.0, 1.0).score()).isEqualTo(1.0);
    }

    @Test
    void expectedRangeIsTheBandThatScoresZero() {
        Assessment assessment = scoring.assess(0.0, 10.0, 2.0);

        assertThat(assessment.expectedLow()).isEqualTo(4.0);
        assertThat(assessment.expectedHigh()).isEqualTo(16.0);
    }

    @Test
    void spreadIsFlooredAbsolutelyAndRelativeToTheLevel() {
        assertThat(scoring.spread(0.0, 0.0)).isEqualTo(0.5);
        assertThat(scoring.spread(0.0, -200.0)).isEqualTo(2.0);
        assertThat(scoring.spread(3.0, 200.0)).isEqualTo(3.0);
    }

    @Test
    void clipsToTheEdgeOfTheExpectedBand() {
        assertThat(scoring.clip(1000.0, 10.0, 2.0)).isEqualTo(16.0);
        assertThat(scoring.clip(-1000.0, 10.0, 2.0)).isEqualTo(4.0);
        assertThat(scoring.clip(11.0, 10.0, 2.0)).isEqualTo(11.0);
    }

    @Test
    void rejectsInvalidParametersByName() {
        assertThatThrownBy(() -> new ZScoring(-1.0, 6.0, 1.0, 0.0)).hasMessageContaining("zLow");
        assertThatThrownBy(() -> new ZScoring(3.0, 3.0, 1.0, 0.0)).hasMessageContaining("zHigh");
        assertThatThrownBy(() -> new ZScoring(3.0, 6.0, 0.0, 0.0)).hasMessageContaining("minSpread");
        assertThatThrownBy(() -> new ZScoring(3.0, 6.0, 1.0, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("relativeMinSpread");
    }
}
