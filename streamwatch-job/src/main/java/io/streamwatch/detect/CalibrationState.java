package io.streamwatch.detect;

/**
 * What {@link TailCalibration} remembers of one series: its last raw scores twice, in arrival order
 * (to know which one leaves) and sorted (to find ranks and the tail), both allocated once at their
 * full size; and the refractory peak.
 */
public class CalibrationState {
    /** Ring buffer of the last raw scores; its length is the calibration's history. */
    public double[] recent;
    /** The same values, ascending, in the first {@code size} slots. */
    public double[] sorted;
    /** How many slots hold values. */
    public int size;
    /** Slot of {@link #recent} the next raw score is written to. */
    public int next;
    /** Exponentially weighted average of the raw scores, what is calibrated. */
    public double smoothed;
    /** The largest calibrated score lately, decaying: a score must rise above it to be reported. */
    public double peak;

    public CalibrationState() {}
}
