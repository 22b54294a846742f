package io.streamwatch.detect;

/**
 * What {@link LikelihoodCalibration} remembers of one series: its last raw scores (allocated once at
 * the calibration's window) and the long-run mean and variance of their average.
 */
public class LikelihoodState {
    /** Ring buffer of the last raw scores; slot {@code seen % length} is the oldest. */
    public double[] recent;
    /** Raw scores seen. */
    public long seen;
    /** Averages folded into the mean and variance. */
    public long averages;
    /** Exponentially weighted mean and variance of the averages. */
    public double mean;

    public double variance;
    /** The largest score lately, decaying: a score must rise above it to be reported. */
    public double peak;

    public LikelihoodState() {}
}
