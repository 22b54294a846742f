package io.streamwatch.model;

/** How urgent an anomaly is, from the detector's score and the configured thresholds. */
public enum Severity {
    INFO,
    WARNING,
    CRITICAL
}
