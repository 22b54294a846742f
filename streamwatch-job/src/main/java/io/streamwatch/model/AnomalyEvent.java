package io.streamwatch.model;

import java.util.Objects;

/**
 * An anomaly of one detector on one series opening or resolving. An anomaly is identified by
 * (series key, detector, {@link #openedWindowStart}); its RESOLVED event carries the same identity.
 */
public class AnomalyEvent {
    public enum Kind {
        OPENED,
        RESOLVED
    }

    public String seriesKey;
    public String detector;
    public Kind kind;
    /** Start of the window in which the anomaly opened: part of the anomaly's identity. */
    public long openedWindowStart;
    /** The window that caused this event (the opening window, or the one that resolved it). */
    public long windowStart;

    public long windowEnd;
    /** In [0, 1]. */
    public double score;

    public Severity severity;
    public double observed;
    public double expectedLow;
    public double expectedHigh;
    /** A short human-readable explanation. */
    public String message;

    public AnomalyEvent() {}

    public String anomalyId() {
        return seriesKey + "|" + detector + "|" + openedWindowStart;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AnomalyEvent)) return false;
        AnomalyEvent a = (AnomalyEvent) o;
        return openedWindowStart == a.openedWindowStart
                && windowStart == a.windowStart
                && windowEnd == a.windowEnd
                && Double.compare(score, a.score) == 0
                && Double.compare(observed, a.observed) == 0
                && Double.compare(expectedLow, a.expectedLow) == 0
                && Double.compare(expectedHigh, a.expectedHigh) == 0
                && Objects.equals(seriesKey, a.seriesKey)
                && Objects.equals(detector, a.detector)
                && kind == a.kind
                && severity == a.severity
                && Objects.equals(message, a.message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(seriesKey, detector, kind, openedWindowStart, windowStart);
    }

    @Override
    public String toString() {
        return "AnomalyEvent{" + kind + " " + detector + " on " + seriesKey + " window=" + windowStart + " score="
                + score + " " + severity + "}";
    }
}
