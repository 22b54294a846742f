package io.streamwatch.detect;

import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Static bounds: a value in {@code [lower, upper]} scores 0. Outside, the score is the distance
 * beyond the crossed bound divided by {@code margin}, capped at 1: a value {@code margin} or more
 * outside scores 1, half of it 0.5. So with an open threshold of 0.5 an anomaly opens once a value
 * is {@code margin / 2} past a bound; choose a small margin to alert on any crossing. The margin is
 * in the unit of the observed value because with one bound absent the band has no width to be
 * relative to. The expected range is {@code [lower, upper]}.
 */
public final class ThresholdDetector implements Detector<ThresholdState> {

    public static final String NAME = "threshold";

    private final double lower;
    private final double upper;
    private final double margin;

    /**
     * @param lower lowest normal value, {@link Double#NEGATIVE_INFINITY} for none
     * @param upper highest normal value, {@link Double#POSITIVE_INFINITY} for none
     * @param margin distance beyond a bound at which the score reaches 1; finite and > 0
     */
    public ThresholdDetector(double lower, double upper, double margin) {
        if (Double.isNaN(lower) || lower == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("lower must be a number or -Infinity, was " + lower);
        }
        if (Double.isNaN(upper) || upper == Double.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("upper must be a number or +Infinity, was " + upper);
        }
        if (Double.isInfinite(lower) && Double.isInfinite(upper)) {
            throw new IllegalArgumentException("lower or upper must be set: without bounds nothing is anomalous");
        }
        if (!(lower <= upper)) {
            throw new IllegalArgumentException("lower must be <= upper, was " + lower + " > " + upper);
        }
        if (!(margin > 0.0 && Double.isFinite(margin))) {
            throw new IllegalArgumentException("margin must be finite and > 0, was " + margin);
        }
        this.lower = lower;
        this.upper = upper;
        this.margin = margin;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public TypeInformation<ThresholdState> stateType() {
        return TypeInformation.of(ThresholdState.class);
    }

    @Override
    public ThresholdState newState() {
        return new ThresholdState();
    }

    @Override
    public Assessment assess(ThresholdState state, long timestamp, double value) {
        Values.requireFinite(value);
        state.observations++;
        double distance = value < lower ? lower - value : value > upper ? value - upper : 0.0;
        return new Assessment(Math.min(1.0, distance / margin), lower, upper);
    }
}
