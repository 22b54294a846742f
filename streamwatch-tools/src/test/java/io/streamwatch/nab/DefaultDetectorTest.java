package io.streamwatch.nab;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.detect.NoveltyDetector;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pipeline's default is the detector that scored best here, at the threshold the sweep chose. */
class DefaultDetectorTest {

    @Test
    void theDefaultIsNoveltyOpeningAtItsNabThreshold() {
        var detection = StreamwatchConfig.defaults(Map.of()).detection();
        assertThat(detection.detectors()).extracting(d -> d.name()).containsExactly(NoveltyDetector.NAME);
        // standard profile's optimal threshold in docs/detection-quality.md
        assertThat(detection.settings().lifecycleFor("novelty").openThreshold()).isEqualTo(0.6024);
    }
}
