package io.streamwatch.detect;

/**
 * A refractory filter: a score is reported only if it rises above the largest score seen lately (a
 * peak that decays per point), else 0. NAB, like an on-call engineer, values the first detection of
 * an event and counts every further one outside it as a false positive; a later, stronger rise still
 * shows.
 */
final class Refractory {

    private Refractory() {}

    static double reported(double peak, double score) {
        return score > peak ? score : 0.0;
    }

    static double nextPeak(double peak, double decay, double score) {
        return Math.max(peak * decay, score);
    }
}
