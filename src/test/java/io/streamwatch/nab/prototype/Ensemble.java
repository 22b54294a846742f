package io.streamwatch.nab.prototype;

import io.streamwatch.detect.Assessment;
import io.streamwatch.detect.Detector;

import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Prototype: several cheap surprise features, each turned into an HTM-style anomaly likelihood
 * (short-term mean of the feature against its long-term distribution), combined by max, then a
 * refractory filter so a run of high scores yields one detection.
 */
public final class Ensemble implements Detector<Ensemble.State> {

    static final int VALUE = 0;
    static final int DIFF = 1;
    static final int DAILY = 2;
    static final int FEATURES = 3;
    static final int DAY_BINS = 48;

    /** Knobs; one setting for all series. */
    record Config(
            double baseAlpha,
            double likelihoodAlpha,
            int shortWindow,
            int warmUp,
            double suppressDecay,
            boolean[] enabled,
            int rawMode) {}

    static Config defaults() {
        return new Config(0.01, 0.002, 10, 300, 0.98, new boolean[] {true, true, true}, 0);
    }

    private final Config c;

    public Ensemble() {
        this(defaults());
    }

    Ensemble(Config c) {
        this.c = c;
    }

    public static final class State {
        public long count;
        public double prev;
        public double mean;
        public double dev;
        public double diffMean;
        public double diffDev;
        public double[] dayMean = new double[DAY_BINS];
        public double[] dayDev = new double[DAY_BINS];
        public int[] dayCount = new int[DAY_BINS];
        public double[] likeMean = new double[FEATURES];
        public double[] likeVar = new double[FEATURES];
        public double[] shortRing = new double[FEATURES * 16];
        public double[] shortSum = new double[FEATURES];
        public int shortNext;
        public double peak;
    }

    @Override
    public String name() {
        return "swEnsemble";
    }

    @Override
    public TypeInformation<State> stateType() {
        return TypeInformation.of(State.class);
    }

    @Override
    public State newState() {
        return new State();
    }

    @Override
    public Assessment assess(State s, long timestamp, double x) {
        double a = c.baseAlpha();
        if (s.count == 0) {
            s.mean = x;
            s.prev = x;
            for (int b = 0; b < DAY_BINS; b++) {
                s.dayMean[b] = x;
            }
        }
        double floor = 1e-3 * (Math.abs(s.mean) + s.dev) + 1e-9;
        double d = x - s.prev;
        int bin = (int) Math.floorMod(timestamp / 1_800_000L, (long) DAY_BINS);

        double[] raw = new double[FEATURES];
        raw[VALUE] = Math.abs(x - s.mean) / (s.dev + floor);
        raw[DIFF] = Math.abs(d - s.diffMean) / (s.diffDev + floor);
        raw[DAILY] =
                s.dayCount[bin] > 3
                        ? Math.abs(x - s.dayMean[bin]) / (s.dayDev[bin] + s.dev * 0.1 + floor)
                        : 0.0;

        // learn
        s.dev += a * (Math.abs(x - s.mean) - s.dev);
        s.mean += a * (x - s.mean);
        s.diffDev += a * (Math.abs(d - s.diffMean) - s.diffDev);
        s.diffMean += a * (d - s.diffMean);
        double da = Math.max(0.05, 1.0 / (s.dayCount[bin] + 1));
        s.dayDev[bin] += da * (Math.abs(x - s.dayMean[bin]) - s.dayDev[bin]);
        s.dayMean[bin] += da * (x - s.dayMean[bin]);
        s.dayCount[bin]++;
        s.prev = x;
        s.count++;

        double best = 0.0;
        int w = c.shortWindow();
        for (int f = 0; f < FEATURES; f++) {
            double r = transform(raw[f]);
            int slot = f * 16 + s.shortNext;
            s.shortSum[f] += r - s.shortRing[slot];
            s.shortRing[slot] = r;
            double shortMean = s.shortSum[f] / Math.min(s.count, w);
            double sd = Math.sqrt(Math.max(s.likeVar[f], 1e-6));
            double tail = Gauss.tail((shortMean - s.likeMean[f]) / sd);
            double la = Math.max(c.likelihoodAlpha(), 1.0 / s.count);
            double dev = r - s.likeMean[f];
            s.likeMean[f] += la * dev;
            s.likeVar[f] = (1 - la) * (s.likeVar[f] + la * dev * dev);
            if (c.enabled()[f] && s.count > c.warmUp()) {
                best = Math.max(best, logScore(tail));
            }
        }
        s.shortNext = (s.shortNext + 1) % w;

        double out = best > s.peak ? best : 0.0;
        s.peak = Math.max(s.peak * c.suppressDecay(), best);
        if (s.count <= c.warmUp()) {
            return Assessment.WARMING_UP;
        }
        return new Assessment(Math.min(1.0, Math.max(0.0, out)), s.mean - 3 * s.dev, s.mean + 3 * s.dev);
    }

    private double transform(double z) {
        return switch (c.rawMode()) {
            case 0 -> Math.min(z, 20.0) / 20.0;
            case 1 -> Math.log1p(z);
            default -> 1.0 - Math.exp(-z / 3.0);
        };
    }

    /** HTM's log scaling: tail 1e-5 → 0.5, 1e-10 → 1. */
    static double logScore(double tail) {
        return Math.min(1.0, Math.log(tail + 1e-10) / Math.log(1e-10));
    }
}
