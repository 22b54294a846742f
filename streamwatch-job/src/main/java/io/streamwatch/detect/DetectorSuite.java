package io.streamwatch.detect;

import java.io.Serializable;
import java.util.List;

/** The anomaly detectors to run on every series, and when their anomalies open and resolve. */
public record DetectorSuite(List<Detector<?>> detectors, DetectionSettings settings) implements Serializable {}
