package io.streamwatch.detect;

/** What {@link EnsembleDetector} keeps besides its members' states: the refractory peak. */
public class EnsembleState {
    /** The largest combined score lately, decaying: a score must rise above it to be reported. */
    public double peak;

    public EnsembleState() {}
}
