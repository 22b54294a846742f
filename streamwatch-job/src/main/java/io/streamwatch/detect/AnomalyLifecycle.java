package io.streamwatch.detect;

import java.io.Serializable;

/**
 * When an anomaly opens and resolves, with hysteresis so that a score hovering around one threshold
 * does not open and resolve it over and over: it opens at a score >= {@code openThreshold}, and
 * resolves only after {@code resolveAfter} consecutive scores < {@code resolveThreshold}, which is
 * lower. While open, a score at or above the resolve threshold restarts the count.
 *
 * @param openThreshold score at which an anomaly opens, in (0, 1]
 * @param resolveThreshold scores below it count towards resolving, in (0, openThreshold)
 * @param resolveAfter consecutive normal scores that resolve an anomaly, >= 1
 */
public record AnomalyLifecycle(double openThreshold, double resolveThreshold, int resolveAfter)
        implements Serializable {

    /** What one observation did to the anomaly. */
    public enum Transition {
        NONE,
        OPENED,
        RESOLVED
    }

    public AnomalyLifecycle {
        if (!(openThreshold > 0.0 && openThreshold <= 1.0)) {
            throw new IllegalArgumentException("openThreshold must be in (0, 1], was " + openThreshold);
        }
        if (!(resolveThreshold > 0.0 && resolveThreshold < openThreshold)) {
            throw new IllegalArgumentException(
                    "resolveThreshold must be in (0, openThreshold=" + openThreshold + "), was " + resolveThreshold);
        }
        if (resolveAfter < 1) {
            throw new IllegalArgumentException("resolveAfter must be >= 1, was " + resolveAfter);
        }
    }

    /** Applies the score of the window starting at {@code windowStart} to {@code state}. */
    public Transition observe(LifecycleState state, long windowStart, double score) {
        if (!state.open) {
            if (score < openThreshold) {
                return Transition.NONE;
            }
            open(state, windowStart, score);
            return Transition.OPENED;
        }
        if (score >= resolveThreshold) {
            state.normalStreak = 0;
            return Transition.NONE;
        }
        if (++state.normalStreak < resolveAfter) {
            return Transition.NONE;
        }
        close(state);
        return Transition.RESOLVED;
    }

    /** Opens an anomaly whatever the thresholds; for conditions that are not scored, like missing data. */
    public static void open(LifecycleState state, long windowStart, double score) {
        state.open = true;
        state.openedWindowStart = windowStart;
        state.openedScore = score;
        state.normalStreak = 0;
    }

    /** Closes the anomaly, leaving the state as for a series without one. */
    public static void close(LifecycleState state) {
        state.open = false;
        state.openedWindowStart = 0L;
        state.openedScore = 0.0;
        state.normalStreak = 0;
    }
}
