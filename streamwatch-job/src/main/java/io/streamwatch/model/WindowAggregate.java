package io.streamwatch.model;

import java.util.Objects;

/**
 * Statistics of one series over one event-time window. A window that is updated by late events
 * within the allowed lateness is emitted again with a higher {@link #revision}.
 */
public class WindowAggregate {
    public String seriesKey;
    /** Inclusive start, epoch milliseconds. */
    public long windowStart;
    /** Exclusive end, epoch milliseconds. */
    public long windowEnd;

    public long count;
    public double sum;
    public double min;
    public double max;
    public double mean;
    /** Population standard deviation. */
    public double stddev;

    public long firstEventTime;
    public long lastEventTime;
    public double p50;
    public double p95;
    public double p99;
    /** 1 for the on-time firing, incremented by every late firing. */
    public int revision;

    public WindowAggregate() {}

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof WindowAggregate)) return false;
        WindowAggregate a = (WindowAggregate) o;
        return windowStart == a.windowStart
                && windowEnd == a.windowEnd
                && count == a.count
                && Double.compare(sum, a.sum) == 0
                && Double.compare(min, a.min) == 0
                && Double.compare(max, a.max) == 0
                && Double.compare(mean, a.mean) == 0
                && Double.compare(stddev, a.stddev) == 0
                && firstEventTime == a.firstEventTime
                && lastEventTime == a.lastEventTime
                && Double.compare(p50, a.p50) == 0
                && Double.compare(p95, a.p95) == 0
                && Double.compare(p99, a.p99) == 0
                && revision == a.revision
                && Objects.equals(seriesKey, a.seriesKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(seriesKey, windowStart, windowEnd, revision);
    }

    @Override
    public String toString() {
        return "WindowAggregate{" + seriesKey + " [" + windowStart + "," + windowEnd + ") n=" + count + " mean=" + mean
                + " rev=" + revision + "}";
    }
}
