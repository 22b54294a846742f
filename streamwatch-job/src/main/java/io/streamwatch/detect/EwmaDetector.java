package io.streamwatch.detect;

import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Exponentially weighted mean and variance. Each value is scored against the baseline built from the
 * values before it, z = |x - mean| / sd, mapped to a score by {@link ZScoring}; then it is folded in.
 * The mean follows the level with weight {@code alpha}; the variance, a property of the series rather
 * than of its current level, may be smoothed more slowly, with weight {@code spreadAlpha}.
 *
 * <p>The weight of a new value is {@code max(alpha, 1/n)} for the n-th observation (likewise for
 * the variance): at first this is the exact running mean and population variance, so the baseline
 * after warm-up does not lean on the first value; after that it is the usual EWMA.
 *
 * <p>After warm-up a value is clipped to the edge of the expected band, {@code mean ± zLow * sd},
 * before it is folded in, so that bursts and outliers neither drag the mean nor inflate the
 * variance (a winsorised estimate). A lasting level shift still moves the mean, by up to {@code
 * alpha · zLow} sd per value.
 */
public final class EwmaDetector implements Detector<EwmaState> {

    public static final String NAME = "ewma";

    private final double alpha;
    private final double spreadAlpha;
    private final int warmup;
    private final ZScoring scoring;

    /** Mean and variance smoothed alike, with weight {@code alpha}. */
    public EwmaDetector(double alpha, int warmup, ZScoring scoring) {
        this(alpha, alpha, warmup, scoring);
    }

    /**
     * @param alpha weight of the newest value in the mean, in (0, 1]; about 2/alpha values make up the
     *     baseline
     * @param spreadAlpha weight of the newest value in the variance, in (0, 1]
     * @param warmup observations to collect before scoring, >= 2 (a variance needs two values)
     * @param scoring spread floor and z-to-score mapping
     */
    public EwmaDetector(double alpha, double spreadAlpha, int warmup, ZScoring scoring) {
        if (!(alpha > 0.0 && alpha <= 1.0)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], was " + alpha);
        }
        if (!(spreadAlpha > 0.0 && spreadAlpha <= 1.0)) {
            throw new IllegalArgumentException("spreadAlpha must be in (0, 1], was " + spreadAlpha);
        }
        if (warmup < 2) {
            throw new IllegalArgumentException("warmup must be >= 2, was " + warmup);
        }
        if (scoring == null) {
            throw new IllegalArgumentException("scoring must not be null");
        }
        this.alpha = alpha;
        this.spreadAlpha = spreadAlpha;
        this.warmup = warmup;
        this.scoring = scoring;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public TypeInformation<EwmaState> stateType() {
        return TypeInformation.of(EwmaState.class);
    }

    @Override
    public EwmaState newState() {
        return new EwmaState();
    }

    @Override
    public Assessment assess(EwmaState state, long timestamp, double value) {
        Values.requireFinite(value);
        if (state.count < warmup) {
            fold(state, value);
            return Assessment.WARMING_UP;
        }
        double spread = scoring.spread(Math.sqrt(state.variance), state.mean);
        Assessment assessment = scoring.assess(value, state.mean, spread);
        fold(state, scoring.clip(value, state.mean, spread));
        return assessment;
    }

    private void fold(EwmaState state, double value) {
        state.count++;
        double weight = Math.max(alpha, 1.0 / state.count);
        double spreadWeight = Math.max(spreadAlpha, 1.0 / state.count);
        double diff = value - state.mean;
        double mean = state.mean + weight * diff;
        double variance = (1.0 - spreadWeight) * (state.variance + spreadWeight * diff * diff);
        // values near Double.MAX_VALUE could overflow; keeping the old baseline beats a NaN forever
        if (Double.isFinite(mean) && Double.isFinite(variance)) {
            state.mean = mean;
            state.variance = variance;
        }
    }
}
