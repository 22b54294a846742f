package io.streamwatch.detect;

/** State of {@link RangeDetector}: how many values, their extremes and the refractory peak. */
public class RangeState {
    /** Values seen. */
    public long count;
    /** Smallest and largest value seen. */
    public double min;

    public double max;
    /** The largest score lately, decaying: a score must rise above it to be reported. */
    public double peak;

    public RangeState() {}
}
