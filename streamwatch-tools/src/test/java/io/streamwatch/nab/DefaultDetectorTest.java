package io.streamwatch.nab;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.detect.EnsembleDetector;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pipeline's default is the detector that cross-validated best here, at the threshold the sweep chose. */
class DefaultDetectorTest {

    @Test
    void theDefaultIsTheEnsembleOpeningWhereItsMembersSaturate() {
        var detection = StreamwatchConfig.defaults(Map.of()).detection();
        assertThat(detection.detectors()).extracting(d -> d.name()).containsExactly(EnsembleDetector.NAME);
        assertThat(((EnsembleDetector) detection.detectors().get(0)).members())
                .extracting(d -> d.name())
                .containsExactly("patterncalibrated", "range", "madcalibrated");
        // its members report a surprise of 6 digits as 1, where the sweep puts the threshold
        // (docs/detection-quality.md)
        assertThat(detection.settings().lifecycleFor(EnsembleDetector.NAME).openThreshold())
                .isEqualTo(1.0);
    }
}
