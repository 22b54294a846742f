package io.streamwatch.aggregate;

import java.io.Serializable;
import java.time.Duration;

/** Event-time windows per series. {@code slide} is used by sliding windows, {@code gap} by sessions. */
public record AggregationSettings(
        WindowType window,
        Duration size,
        Duration slide,
        Duration gap,
        Duration allowedLateness,
        double quantileRelativeAccuracy)
        implements Serializable {

    public enum WindowType {
        TUMBLING,
        SLIDING,
        SESSION
    }
}
