package io.streamwatch.detect;

/**
 * State of {@link NoveltyDetector}: the shapes of {@link PatternState} and two numbers, whatever the
 * length of the series (about 16.5 KB with the default settings).
 */
public class NoveltyState extends PatternState {
    /** The largest novelty distance seen lately, decaying. */
    public double record;
    /** The largest raw score seen lately, decaying: a score must rise above it to be reported. */
    public double peak;

    public NoveltyState() {}
}
