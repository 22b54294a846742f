package io.streamwatch.detect;

import java.io.Serializable;

/**
 * How the statistical detectors turn a deviation into a score. Shared so that "ewma" and "mad"
 * scores mean the same thing and can be compared in the benchmark.
 *
 * <p>The spread (standard deviation or its robust equivalent) is floored at
 * {@code max(minSpread, relativeMinSpread * |center|)}: a flat series has spread 0, and without the
 * floor any change at all would be an infinite z; the relative part keeps changes that are tiny
 * compared with the level (0.5 % of 100 when the floor is 1 %) from counting as anomalies.
 *
 * <p>Score mapping, a linear ramp: {@code score = clamp((z - zLow) / (zHigh - zLow), 0, 1)}. At or
 * below {@code zLow} standard deviations the score is 0, at {@code zHigh} or beyond it is 1. A ramp
 * rather than a sigmoid so that a score can be read back as a z ("0.5 is halfway between zLow and
 * zHigh") when choosing thresholds. The expected range reported with a score is the band where the
 * score is 0: {@code center ± zLow * spread}. The assessment's raw evidence is the z itself.
 *
 * @param zLow z at and below which the score is 0
 * @param zHigh z at and above which the score is 1
 * @param minSpread absolute floor on the spread, in the unit of the observed value
 * @param relativeMinSpread floor on the spread as a fraction of the magnitude of the center
 */
public record ZScoring(double zLow, double zHigh, double minSpread, double relativeMinSpread) implements Serializable {

    /** 3 to 6 standard deviations; spread at least 1 % of the level (and never 0). */
    public static final ZScoring DEFAULT = new ZScoring(3.0, 6.0, 1e-9, 0.01);

    public ZScoring {
        if (!(zLow >= 0.0 && Double.isFinite(zLow))) {
            throw new IllegalArgumentException("zLow must be finite and >= 0, was " + zLow);
        }
        if (!(zHigh > zLow && Double.isFinite(zHigh))) {
            throw new IllegalArgumentException("zHigh must be finite and > zLow, was " + zHigh);
        }
        if (!(minSpread > 0.0 && Double.isFinite(minSpread))) {
            throw new IllegalArgumentException("minSpread must be finite and > 0, was " + minSpread);
        }
        if (!(relativeMinSpread >= 0.0 && Double.isFinite(relativeMinSpread))) {
            throw new IllegalArgumentException("relativeMinSpread must be finite and >= 0, was " + relativeMinSpread);
        }
    }

    /** The spread to divide by: {@code rawSpread} raised to the floor. */
    public double spread(double rawSpread, double center) {
        return Math.max(rawSpread, Math.max(minSpread, relativeMinSpread * Math.abs(center)));
    }

    /** Scores {@code value} against a baseline of {@code center} and (floored) {@code spread}. */
    public Assessment assess(double value, double center, double spread) {
        double z = Math.abs(value - center) / spread;
        // NaN only from infinite/infinite, which finite inputs cannot reach: treat as no evidence
        double score = z > zLow ? Math.min(1.0, (z - zLow) / (zHigh - zLow)) : 0.0;
        double halfWidth = zLow * spread;
        return new Assessment(score, center - halfWidth, center + halfWidth, Double.isNaN(z) ? 0.0 : z, "");
    }

    /** Clips {@code value} to {@code center ± zLow * spread}, the edge of the expected band. */
    public double clip(double value, double center, double spread) {
        double limit = zLow * spread;
        return Math.max(center - limit, Math.min(center + limit, value));
    }
}
