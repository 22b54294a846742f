package io.streamwatch.detect;

/**
 * A detector's verdict on one observation: a score in [0, 1] (0 normal, 1 certainly anomalous) and
 * the range the detector expected the value in. During warm-up the score is 0 and the expected
 * range is unbounded.
 */
public record Assessment(double score, double expectedLow, double expectedHigh) {

    public static final Assessment WARMING_UP = new Assessment(0.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);

    public Assessment {
        if (!(score >= 0.0 && score <= 1.0)) {
            throw new IllegalArgumentException("score must be in [0, 1], was " + score);
        }
    }
}
