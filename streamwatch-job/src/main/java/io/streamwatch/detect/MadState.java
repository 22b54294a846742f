package io.streamwatch.detect;

/** State of {@link MadDetector}: a ring buffer of the last values, allocated once at its full size. */
public class MadState {
    /** Ring buffer; its length is the detector's window. */
    public double[] values;
    /** How many slots hold values (grows to values.length, then stays). */
    public int size;
    /** Slot the next value is written to. */
    public int next;

    public MadState() {}
}
