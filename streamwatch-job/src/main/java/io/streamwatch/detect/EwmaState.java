package io.streamwatch.detect;

/** State of {@link EwmaDetector}: three numbers, whatever the length of the series. */
public class EwmaState {
    /** Observations folded in so far. */
    public long count;

    public double mean;
    /** Exponentially weighted population variance. */
    public double variance;

    public EwmaState() {}
}
