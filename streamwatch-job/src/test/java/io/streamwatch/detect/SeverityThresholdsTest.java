package io.streamwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamwatch.model.Severity;
import org.junit.jupiter.api.Test;

class SeverityThresholdsTest {

    private final SeverityThresholds thresholds = new SeverityThresholds(0.3, 0.6, 0.9);

    @Test
    void mapsScoresToTheHighestThresholdReached() {
        assertThat(thresholds.severityOf(0.0)).isNull();
        assertThat(thresholds.severityOf(0.29)).isNull();
        assertThat(thresholds.severityOf(0.3)).isEqualTo(Severity.INFO);
        assertThat(thresholds.severityOf(0.6)).isEqualTo(Severity.WARNING);
        assertThat(thresholds.severityOf(0.89)).isEqualTo(Severity.WARNING);
        assertThat(thresholds.severityOf(0.9)).isEqualTo(Severity.CRITICAL);
        assertThat(thresholds.severityOf(1.0)).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void equalThresholdsSkipALevel() {
        assertThat(new SeverityThresholds(0.5, 0.5, 1.0).severityOf(0.5)).isEqualTo(Severity.WARNING);
    }

    @Test
    void rejectsInvalidThresholdsByName() {
        assertThatThrownBy(() -> new SeverityThresholds(0.0, 0.5, 0.9)).hasMessageContaining("info");
        assertThatThrownBy(() -> new SeverityThresholds(0.5, 0.4, 0.9)).hasMessageContaining("warning");
        assertThatThrownBy(() -> new SeverityThresholds(0.3, 0.6, 0.5)).hasMessageContaining("critical");
        assertThatThrownBy(() -> new SeverityThresholds(0.3, 0.6, 1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("critical");
    }
}
