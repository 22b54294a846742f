package io.streamwatch.alert;

/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"):
 * the n-th retry waits a uniformly random time in [0, min(cap, base * 2^(n-1))], so that receivers
 * coming back are not hit by every sender at the same instant.
 */
public record Backoff(long baseMillis, long capMillis) {

    /**
     * @param retry 1 for the first retry
     * @param random uniform in [0, 1)
     */
    public long delayMillis(int retry, double random) {
        double ceiling = Math.min(capMillis, baseMillis * Math.pow(2, Math.min(retry - 1, 62)));
        return (long) (ceiling * random);
    }

    /** A receiver's Retry-After is a floor: waiting less only earns another 429. */
    public long delayMillis(int retry, double random, long retryAfterMillis) {
        return Math.max(retryAfterMillis, delayMillis(retry, random));
    }
}
