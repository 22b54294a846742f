package io.streamwatch.detect;

/** Argument checks shared by the detectors. */
final class Values {

    private Values() {}

    /** A NaN or infinity would poison a detector's baseline for good, so it is refused up front. */
    static void requireFinite(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("value must be finite, was " + value);
        }
    }
}
