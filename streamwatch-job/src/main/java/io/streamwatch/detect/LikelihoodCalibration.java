package io.streamwatch.detect;

import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * The anomaly likelihood of Numenta's HTM detector (Ahmad et al., Neurocomputing 2017), applied to any
 * detector's raw evidence: the average of the last {@code window} raw scores is compared with the
 * long-run distribution of that average on this series, an exponentially weighted mean and variance
 * over about {@code history} points, and p is the normal upper tail, {@code Q((average - mean) / sd)}.
 * One very unusual raw score, or a few moderately unusual ones in a row, give a small p; evidence as
 * strong as the series often shows does not, however large it is in absolute terms.
 *
 * <p>{@code score = min(1, -log10(p) / digits)}: 1 from p = 10^-digits. The refractory filter then
 * reports a score only when it rises above the recent peak (decaying by {@code refractoryDecay} per
 * point); as scores saturate at 1, an excursion beyond 10^-digits is reported once, at its onset,
 * and again only after it has fallen back. Measured on NAB, this onset is what pays: a detector
 * scoring like this is used at an open threshold of 1 (docs/detection-quality.md).
 *
 * <p>Short histories: the sd is widened by {@code 1 + 1/√k} for the k averages seen, so that early
 * scores carry less confidence, and it is at least {@code relativeMinScale · |mean|}. Until
 * {@code minHistory} averages are known the score is undefined (warming up).
 *
 * <p>State: the last {@code window} raw scores and five numbers, whatever the series' length.
 *
 * @param window raw scores averaged, >= 1
 * @param history about how many averages the long-run mean and variance remember, >= 1
 * @param minHistory averages needed before scoring, >= 2
 * @param digits -log10(p) at which the score reaches 1, > 0
 * @param relativeMinScale floor of the sd as a share of the mean, >= 0
 * @param refractoryDecay per-point decay of the refractory peak in [0, 1); 0 = no refractory filter
 */
public record LikelihoodCalibration(
        int window, int history, int minHistory, double digits, double relativeMinScale, double refractoryDecay)
        implements ScoreCalibration<LikelihoodState> {

    /**
     * Averages of 5 raw scores against about the last 1,000, scoring from the 10th average; score 1
     * at p = 10^-6; refractory peak halving in about 70 points. Chosen by cross-validation on NAB
     * (docs/detection-experiments.md).
     */
    public static final LikelihoodCalibration DEFAULT = new LikelihoodCalibration(5, 1000, 10, 6.0, 0.1, 0.99);

    public LikelihoodCalibration {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1, was " + window);
        }
        if (history < 1) {
            throw new IllegalArgumentException("history must be >= 1, was " + history);
        }
        if (minHistory < 2) {
            throw new IllegalArgumentException("minHistory must be >= 2, was " + minHistory);
        }
        if (!(digits > 0.0 && Double.isFinite(digits))) {
            throw new IllegalArgumentException("digits must be finite and > 0, was " + digits);
        }
        if (!(relativeMinScale >= 0.0 && Double.isFinite(relativeMinScale))) {
            throw new IllegalArgumentException("relativeMinScale must be finite and >= 0, was " + relativeMinScale);
        }
        if (!(refractoryDecay >= 0.0 && refractoryDecay < 1.0)) {
            throw new IllegalArgumentException("refractoryDecay must be in [0, 1), was " + refractoryDecay);
        }
    }

    @Override
    public TypeInformation<LikelihoodState> stateType() {
        return TypeInformation.of(LikelihoodState.class);
    }

    @Override
    public LikelihoodState newState() {
        LikelihoodState state = new LikelihoodState();
        state.recent = new double[window];
        return state;
    }

    @Override
    public double tailProbability(LikelihoodState s, double raw) {
        if (s.recent == null || s.recent.length != window) {
            // restored from a job with another window: start afresh
            LikelihoodState fresh = newState();
            s.recent = fresh.recent;
            s.seen = 0;
            s.averages = 0;
            s.mean = 0.0;
            s.variance = 0.0;
        }
        s.recent[(int) (s.seen % window)] = raw;
        s.seen++;
        if (s.seen < window) {
            return Double.NaN;
        }
        double average = 0.0;
        for (double r : s.recent) {
            // dividing each keeps the average of huge raw scores finite
            average += r / window;
        }
        double p = s.averages < minHistory ? Double.NaN : upperTail(s, average);
        remember(s, average);
        return p;
    }

    private double upperTail(LikelihoodState s, double average) {
        double sd = Math.max(Math.sqrt(s.variance), relativeMinScale * Math.abs(s.mean))
                * (1.0 + 1.0 / Math.sqrt(s.averages));
        if (!(sd > 0.0)) {
            // a history without any variation: anything above it is as surprising as can be
            return average > s.mean ? 0.0 : 1.0;
        }
        return NormalTail.upper((average - s.mean) / sd);
    }

    private void remember(LikelihoodState s, double average) {
        s.averages++;
        // the exact mean and variance of the first `history` averages, then exponential forgetting
        double weight = Math.max(1.0 / history, 1.0 / s.averages);
        double diff = average - s.mean;
        double mean = s.mean + weight * diff;
        double variance = (1.0 - weight) * (s.variance + weight * diff * diff);
        // raw scores near Double.MAX_VALUE could overflow: keeping the old history beats a NaN forever
        if (Double.isFinite(mean) && Double.isFinite(variance)) {
            s.mean = mean;
            s.variance = variance;
        }
    }

    @Override
    public double refractory(LikelihoodState s, double score) {
        if (refractoryDecay == 0.0) {
            return score;
        }
        double reported = Refractory.reported(s.peak, score);
        s.peak = Refractory.nextPeak(s.peak, refractoryDecay, score);
        return reported;
    }
}
