package io.streamwatch.detect;

/**
 * State of {@link MadDetector}: the last values twice, in arrival order (to know which one leaves)
 * and sorted (for the median), both allocated once at their full size.
 */
public class MadState {
    /** Ring buffer; its length is the detector's window. */
    public double[] values;
    /** The same values, ascending, in the first {@code size} slots; null in state from before it was kept. */
    public double[] sorted;
    /** How many slots hold values (grows to values.length, then stays). */
    public int size;
    /** Slot the next value is written to. */
    public int next;

    public MadState() {}
}
