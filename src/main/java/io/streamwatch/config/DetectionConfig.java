package io.streamwatch.config;

import java.io.Serializable;

/** Placeholder until the detectors land; replaced by the detection settings. */
public record DetectionConfig() implements Serializable {
    static DetectionConfig read(ConfigReader r) {
        return new DetectionConfig();
    }
}
