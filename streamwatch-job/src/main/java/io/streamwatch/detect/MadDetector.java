package io.streamwatch.detect;

import java.util.Arrays;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Rolling median and median absolute deviation (MAD) over the last {@code window} values. A value is
 * scored with the robust z = |x - median| / (1.4826 * MAD), mapped by {@link ZScoring}; 1.4826 makes
 * the MAD estimate the standard deviation of normal data, so the z means the same as for "ewma". Then
 * the value enters the window. Outliers need no special care: up to half the window can be outliers
 * before median and MAD move. A level shift becomes the new normal once it fills half the window.
 */
public final class MadDetector implements Detector<MadState> {

    public static final String NAME = "mad";

    /** Scales the MAD to the standard deviation for normally distributed values. */
    static final double MAD_TO_SD = 1.4826;

    private final int window;
    private final int warmup;
    private final ZScoring scoring;

    /**
     * @param window how many recent values the median and MAD are taken over, >= 3
     * @param warmup observations to collect before scoring, in [3, window]
     * @param scoring spread floor and z-to-score mapping
     */
    public MadDetector(int window, int warmup, ZScoring scoring) {
        if (window < 3) {
            throw new IllegalArgumentException("window must be >= 3, was " + window);
        }
        if (warmup < 3 || warmup > window) {
            throw new IllegalArgumentException("warmup must be in [3, window=" + window + "], was " + warmup);
        }
        if (scoring == null) {
            throw new IllegalArgumentException("scoring must not be null");
        }
        this.window = window;
        this.warmup = warmup;
        this.scoring = scoring;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public TypeInformation<MadState> stateType() {
        return TypeInformation.of(MadState.class);
    }

    @Override
    public MadState newState() {
        MadState state = new MadState();
        state.values = new double[window];
        state.sorted = new double[window];
        return state;
    }

    @Override
    public Assessment assess(MadState state, long timestamp, double value) {
        Values.requireFinite(value);
        // the buffer's own length rules, so state restored under another window size stays consistent
        if (state.sorted == null || state.sorted.length != state.values.length) {
            // state from before the sorted copy was kept
            state.sorted = Arrays.copyOf(state.values, state.values.length);
            Arrays.sort(state.sorted, 0, state.size);
        }
        Assessment assessment = state.size < warmup ? Assessment.WARMING_UP : score(state, value);
        SortedRing.add(state.values, state.sorted, state.size, state.next, value);
        state.next = (state.next + 1) % state.values.length;
        state.size = Math.min(state.size + 1, state.values.length);
        return assessment;
    }

    private Assessment score(MadState state, double value) {
        double[] sorted = state.sorted;
        int n = state.size;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        double spread = scoring.spread(MAD_TO_SD * medianDeviation(sorted, n, median), median);
        return scoring.assess(value, median, spread);
    }

    /**
     * The median of |x - median| over the first n sorted values, without sorting them: the
     * deviations grow outwards from the median on both sides, so merging the two sides in order
     * finds the middle ones in n/2 steps.
     */
    private static double medianDeviation(double[] sorted, int n, double median) {
        int right = SortedRing.lowerBound(sorted, n, median);
        int left = right - 1;
        double previous = 0.0;
        double current = 0.0;
        for (int k = 0; k <= n / 2; k++) {
            previous = current;
            if (left >= 0 && (right >= n || median - sorted[left] <= sorted[right] - median)) {
                current = median - sorted[left--];
            } else {
                current = sorted[right++] - median;
            }
        }
        return n % 2 == 1 ? current : (previous + current) / 2.0;
    }
}
