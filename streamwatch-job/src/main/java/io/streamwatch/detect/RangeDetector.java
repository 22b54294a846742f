package io.streamwatch.detect;

import java.util.Locale;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * A value beyond the range of all values seen so far. Scored as a surprise in digits: a new extreme
 * among n values has probability 1/n when the values are exchangeable, and every further share of
 * the range beyond it counts {@code gain} digits more, so {@code e = log10(n) + gain · excess /
 * range} and {@code score = min(1, e / digits)}. A young series must be exceeded by more than an
 * old one: the same excess is less surprising among 30 values than among 30,000.
 *
 * <p>Then a refractory filter: a score is reported only if it rises above the largest score seen
 * lately (decaying by {@code refractoryDecay} per point), else 0. Scores are 0 for the first {@code
 * warmup} values. State: three numbers and the peak.
 */
public final class RangeDetector implements Detector<RangeState> {

    public static final String NAME = "range";

    private final int warmup;
    private final double gain;
    private final double digits;
    private final double refractoryDecay;

    /**
     * @param warmup values before scoring, >= 2
     * @param gain digits of surprise per range of excess, > 0
     * @param digits surprise at which the score reaches 1, > 0
     * @param refractoryDecay per-point decay of the refractory peak in [0, 1); 0 = no filter
     */
    public RangeDetector(int warmup, double gain, double digits, double refractoryDecay) {
        if (warmup < 2) {
            throw new IllegalArgumentException("warmup must be >= 2, was " + warmup);
        }
        if (!(gain > 0.0 && Double.isFinite(gain))) {
            throw new IllegalArgumentException("gain must be finite and > 0, was " + gain);
        }
        if (!(digits > 0.0 && Double.isFinite(digits))) {
            throw new IllegalArgumentException("digits must be finite and > 0, was " + digits);
        }
        if (!(refractoryDecay >= 0.0 && refractoryDecay < 1.0)) {
            throw new IllegalArgumentException("refractoryDecay must be in [0, 1), was " + refractoryDecay);
        }
        this.warmup = warmup;
        this.gain = gain;
        this.digits = digits;
        this.refractoryDecay = refractoryDecay;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public TypeInformation<RangeState> stateType() {
        return TypeInformation.of(RangeState.class);
    }

    @Override
    public RangeState newState() {
        return new RangeState();
    }

    @Override
    public Assessment assess(RangeState s, long timestamp, double value) {
        Values.requireFinite(value);
        double seenMin = s.count == 0 ? value : s.min;
        double seenMax = s.count == 0 ? value : s.max;
        s.min = Math.min(seenMin, value);
        s.max = Math.max(seenMax, value);
        s.count++;
        if (s.count <= warmup) {
            return Assessment.WARMING_UP;
        }
        double excess = Math.max(0.0, Math.max(value - seenMax, seenMin - value)) / Shapes.range(seenMin, seenMax);
        double surprise = excess > 0.0 ? Math.log10(s.count) + gain * excess : 0.0;
        double score = Math.min(1.0, surprise / digits);
        double reported = refractoryDecay == 0.0 ? score : Refractory.reported(s.peak, score);
        s.peak = Refractory.nextPeak(s.peak, refractoryDecay, score);
        String detail = reported > 0.0
                ? String.format(
                        Locale.ROOT, "value beyond the range of %d seen by %.1f %% of it", s.count - 1, 100 * excess)
                : "";
        return new Assessment(reported, seenMin, seenMax, surprise, detail);
    }
}
