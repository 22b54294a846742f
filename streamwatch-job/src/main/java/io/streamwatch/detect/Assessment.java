package io.streamwatch.detect;

/**
 * A detector's verdict on one observation: a score in [0, 1] (0 normal, 1 certainly anomalous) and
 * the range the detector expected the value in. During warm-up the score is 0 and the expected
 * range is unbounded.
 *
 * @param raw the detector's unbounded evidence before it is mapped to a score (a z for ewma and mad, a
 *     novelty ratio for novelty), >= 0 and larger for stronger evidence; what {@link CalibratedDetector}
 *     calibrates. The score saturates, the raw value does not.
 * @param detail why, in a few words for an alert (e.g. an ensemble's member contributions); may be empty
 */
public record Assessment(double score, double expectedLow, double expectedHigh, double raw, String detail) {

    public static final Assessment WARMING_UP = new Assessment(0.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);

    public Assessment {
        if (!(score >= 0.0 && score <= 1.0)) {
            throw new IllegalArgumentException("score must be in [0, 1], was " + score);
        }
        if (!(raw >= 0.0)) {
            throw new IllegalArgumentException("raw must be >= 0, was " + raw);
        }
        if (detail == null) {
            throw new IllegalArgumentException("detail must not be null");
        }
    }

    /** An assessment whose raw evidence is its score, without detail. */
    public Assessment(double score, double expectedLow, double expectedHigh) {
        this(score, expectedLow, expectedHigh, score, "");
    }

    /** Whether this is the verdict of a detector still warming up (no expected range yet). */
    public boolean warmingUp() {
        return Double.isInfinite(expectedLow) && Double.isInfinite(expectedHigh) && score == 0.0;
    }
}
