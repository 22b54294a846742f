package io.streamwatch.detect;

/**
 * The last values of a series kept twice, in arrival order (a ring, to know which one leaves) and
 * sorted (for ranks and medians), both allocated once at their full size: the bookkeeping that
 * {@link TailCalibration} and {@link MadDetector} share. Adding costs a binary search and one array
 * shift of at most the ring's length.
 */
final class SortedRing {

    private SortedRing() {}

    /**
     * Writes {@code value} into slot {@code next} of {@code ring} and into {@code sorted}, whose first
     * {@code size} slots hold the ring's values ascending; when the ring is full the value in slot
     * {@code next} leaves both first. The caller advances next and size.
     */
    static void add(double[] ring, double[] sorted, int size, int next, double value) {
        int n = size;
        if (n == ring.length) {
            int at = lowerBound(sorted, n, ring[next]);
            System.arraycopy(sorted, at + 1, sorted, at, n - at - 1);
            n--;
        }
        int at = lowerBound(sorted, n, value);
        System.arraycopy(sorted, at, sorted, at + 1, n - at);
        sorted[at] = value;
        ring[next] = value;
    }

    /** First index in sorted[0, n) holding a value >= {@code value}. */
    static int lowerBound(double[] sorted, int n, double value) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
