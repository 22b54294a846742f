package io.streamwatch.detect;

/**
 * State of {@link PatternDetector} (and the shapes of {@link NoveltyState}): two ring buffers
 * allocated once at their full size and a few numbers, whatever the length of the series (about
 * 16.5 KB with the default settings).
 */
public class PatternState {
    /** Observations folded in so far. */
    public long count;
    /** Smallest and largest value seen. */
    public double min;

    public double max;
    /** Ring buffer of the last {@code window} values; slot {@code count % window} is the oldest. */
    public double[] recent;
    /** Ring buffer of past shapes, {@code segments} values each. */
    public double[] shapes;
    /** Slot (in shapes) the next shape is written to. */
    public int shapeNext;
    /** How many slots hold a shape. */
    public int shapeCount;

    public PatternState() {}
}
