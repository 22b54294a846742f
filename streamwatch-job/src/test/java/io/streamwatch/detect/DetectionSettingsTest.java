package io.streamwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamwatch.model.WindowAggregate;
import org.junit.jupiter.api.Test;

class DetectionSettingsTest {

    private static final SeverityThresholds SEVERITY = new SeverityThresholds(0.3, 0.6, 0.9);
    private static final AnomalyLifecycle LIFECYCLE = new AnomalyLifecycle(0.5, 0.2, 2);

    @Test
    void acceptsMissingDataOff() {
        DetectionSettings settings = new DetectionSettings(ObservedField.P95, SEVERITY, LIFECYCLE, 0, 1);

        assertThat(settings.missingAfterWindows()).isZero();
    }

    @Test
    void rejectsAnOpenThresholdThatWouldHaveNoSeverity() {
        AnomalyLifecycle belowInfo = new AnomalyLifecycle(0.25, 0.1, 1);

        assertThatThrownBy(() -> new DetectionSettings(ObservedField.MEAN, SEVERITY, belowInfo, 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("openThreshold");
    }

    @Test
    void rejectsInvalidSilenceSettingsByName() {
        assertThatThrownBy(() -> new DetectionSettings(ObservedField.MEAN, SEVERITY, LIFECYCLE, -1, 5))
                .hasMessageContaining("missingAfterWindows");
        assertThatThrownBy(() -> new DetectionSettings(ObservedField.MEAN, SEVERITY, LIFECYCLE, 3, 3))
                .hasMessageContaining("retireAfterWindows");
        assertThatThrownBy(() -> new DetectionSettings(ObservedField.MEAN, SEVERITY, LIFECYCLE, 0, 0))
                .hasMessageContaining("retireAfterWindows");
        assertThatThrownBy(() -> new DetectionSettings(null, SEVERITY, LIFECYCLE, 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("field");
    }

    @Test
    void observedFieldReadsTheNamedStatistic() {
        WindowAggregate a = new WindowAggregate();
        a.mean = 1;
        a.sum = 2;
        a.count = 3;
        a.min = 4;
        a.max = 5;
        a.p50 = 6;
        a.p95 = 7;
        a.p99 = 8;

        assertThat(ObservedField.values())
                .extracting(f -> f.of(a))
                .containsExactly(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0);
    }
}
