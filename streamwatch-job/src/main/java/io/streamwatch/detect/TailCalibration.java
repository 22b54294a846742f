package io.streamwatch.detect;

import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Turns a detector's raw evidence (smoothed, see {@code smoothing}) into a tail probability against the series' own recent raw scores,
 * and that into a score on one scale for every detector and series: {@code score = -log10(p) /
 * digits}, so 0.6 with the default 5 digits means "a raw score this high comes once in a thousand
 * windows on this series". The peaks-over-threshold idea of SPOT (Siffer et al., KDD 2017) with an
 * exponential tail:
 *
 * <ul>
 *   <li>Below the top {@code tailFraction} of the last {@code history} raw scores, p is the empirical
 *       tail, {@code (#{h >= x} + 1) / (n + 1)}.
 *   <li>Above the threshold u of that top part, p extrapolates it: {@code (k / (n + 1)) · exp(-(x -
 *       u) / β)}, β the mean excess of the k top raw scores over u (the exponential tail's maximum
 *       likelihood scale), at least {@code minScale}, and widened by {@code 1 + 1/√k} while few
 *       exceedances back it: less confidence while warming up.
 * </ul>
 *
 * The raw scores come from the same series, so a noisy series needs a larger deviation than a calm
 * one for the same score. Optionally a refractory filter: a score is reported only if it rises above
 * the largest recent one (decaying by {@code refractoryDecay} per point), else 0, so that one event
 * gives one alert rather than a run of them.
 *
 * @param history raw scores remembered, >= minHistory
 * @param minHistory raw scores needed before scoring, >= 2
 * @param tailFraction share of the history treated as the tail, in (0, 0.5]
 * @param minScale smallest tail scale β, in the raw score's unit, > 0; keeps a flat history from
 *     making any rise infinitely surprising
 * @param digits -log10(p) at which the score reaches 1, > 0
 * @param refractoryDecay per-point decay of the refractory peak in [0, 1); 0 = no refractory filter
 * @param smoothing weight of the newest raw score in the exponentially weighted average that is
 *     calibrated, in (0, 1]; 1 = the raw score itself
 */
public record TailCalibration(
        int history,
        int minHistory,
        double tailFraction,
        double minScale,
        double digits,
        double refractoryDecay,
        double smoothing)
        implements ScoreCalibration<CalibrationState> {

    /**
     * 1000 raw scores (two 8 KB arrays), scoring from the 11th; the top 10 % as the tail; score 1 at
     * p = 10^-5, the likelihood of 0.99999 at which Numenta's HTM detector flags; a refractory filter
     * halving in about 70 points; raw scores averaged with weight 0.5, so a deviation that lasts two
     * windows counts more than one that does not.
     */
    public static final TailCalibration DEFAULT = new TailCalibration(1000, 10, 0.1, 0.1, 5.0, 0.99, 0.5);

    public TailCalibration {
        if (minHistory < 2) {
            throw new IllegalArgumentException("minHistory must be >= 2, was " + minHistory);
        }
        if (history < minHistory) {
            throw new IllegalArgumentException("history must be >= minHistory=" + minHistory + ", was " + history);
        }
        if (!(tailFraction > 0.0 && tailFraction <= 0.5)) {
            throw new IllegalArgumentException("tailFraction must be in (0, 0.5], was " + tailFraction);
        }
        if (!(minScale > 0.0 && Double.isFinite(minScale))) {
            throw new IllegalArgumentException("minScale must be finite and > 0, was " + minScale);
        }
        if (!(digits > 0.0 && Double.isFinite(digits))) {
            throw new IllegalArgumentException("digits must be finite and > 0, was " + digits);
        }
        if (!(smoothing > 0.0 && smoothing <= 1.0)) {
            throw new IllegalArgumentException("smoothing must be in (0, 1], was " + smoothing);
        }
        if (!(refractoryDecay >= 0.0 && refractoryDecay < 1.0)) {
            throw new IllegalArgumentException("refractoryDecay must be in [0, 1), was " + refractoryDecay);
        }
    }

    @Override
    public TypeInformation<CalibrationState> stateType() {
        return TypeInformation.of(CalibrationState.class);
    }

    @Override
    public CalibrationState newState() {
        CalibrationState state = new CalibrationState();
        state.recent = new double[history];
        state.sorted = new double[history];
        return state;
    }

    /**
     * Calibrates {@code raw} against the history, then adds it to the history.
     *
     * @return the tail probability p in (0, 1], or NaN while fewer than minHistory raw scores are known
     */
    @Override
    public double tailProbability(CalibrationState s, double raw) {
        if (s.recent == null || s.recent.length != history) {
            // restored from a job with another history length: start the history afresh
            CalibrationState fresh = newState();
            s.recent = fresh.recent;
            s.sorted = fresh.sorted;
            s.size = 0;
            s.next = 0;
        }
        s.smoothed = s.size == 0 ? raw : s.smoothed + smoothing * (raw - s.smoothed);
        double p = s.size < minHistory ? Double.NaN : tail(s, s.smoothed);
        remember(s, s.smoothed);
        return p;
    }

    private double tail(CalibrationState s, double raw) {
        int n = s.size;
        int k = Math.max(1, Math.min(n - 1, (int) Math.ceil(tailFraction * n)));
        double u = s.sorted[n - k - 1];
        if (raw <= u) {
            // first index with sorted[i] >= raw
            int at = SortedRing.lowerBound(s.sorted, n, raw);
            return (double) (n - at + 1) / (n + 1);
        }
        double excess = 0.0;
        for (int i = n - k; i < n; i++) {
            excess += s.sorted[i] - u;
        }
        double scale = Math.max(excess / k, minScale) * (1.0 + 1.0 / Math.sqrt(k));
        // floored so that -log10(p) stays finite
        return Math.max(Double.MIN_NORMAL, (double) k / (n + 1) * Math.exp(-(raw - u) / scale));
    }

    /** The refractory filter: {@code score} if it rises above the decaying peak, else 0. */
    @Override
    public double refractory(CalibrationState s, double score) {
        if (refractoryDecay == 0.0) {
            return score;
        }
        double reported = Refractory.reported(s.peak, score);
        s.peak = Refractory.nextPeak(s.peak, refractoryDecay, score);
        return reported;
    }

    private static void remember(CalibrationState s, double raw) {
        SortedRing.add(s.recent, s.sorted, s.size, s.next, raw);
        s.next = (s.next + 1) % s.recent.length;
        s.size = Math.min(s.size + 1, s.recent.length);
    }
}
