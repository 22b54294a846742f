package io.streamwatch.nab.prototype;

import io.streamwatch.detect.Assessment;
import io.streamwatch.detect.Detector;

import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Prototype: novelty of the recent shape. The last {@code window} values, averaged into
 * {@code segments} pieces, are compared with a bounded memory of past shapes. The distance to the
 * nearest one, divided by the observed range, is set against the largest such distance seen lately
 * (a slowly decaying record): a shape farther from everything remembered than the record scores
 * 0.5 and above. A refractory filter then passes only rises above the recent peak, so one event
 * costs one detection, not a run of them.
 */
public final class Shape implements Detector<Shape.State> {

    /**
     * @param window values per shape
     * @param segments piecewise averages per shape (window must be a multiple)
     * @param memory shapes remembered (a ring)
     * @param stride remember every stride-th shape
     * @param recordDecay per-point decay of the record distance
     * @param refractoryDecay per-point decay of the peak a new score must exceed
     * @param warmUp points scored 0 while memory and record fill
     */
    record Config(
            int window,
            int segments,
            int memory,
            int stride,
            double recordDecay,
            double refractoryDecay,
            int warmUp,
            int minMemory,
            double extremeGain,
            double envelopeDecay) {}

    static Config defaults() {
        return new Config(16, 4, 512, 1, 0.999, 0.99, 300, 0, 0, 1);
    }

    private final Config c;

    public Shape() {
        this(defaults());
    }

    Shape(Config c) {
        if (c.window() % c.segments() != 0) {
            throw new IllegalArgumentException("window must be a multiple of segments");
        }
        this.c = c;
    }

    public static final class State {
        public long count;
        public double min;
        public double max;
        public double[] recent;
        public double[] memory;
        public int memNext;
        public int memCount;
        public double recordDistance;
        public double peak;
        public double[] shape;
        public double hi;
        public double lo;
    }

    @Override
    public String name() {
        return "shape";
    }

    @Override
    public TypeInformation<State> stateType() {
        return TypeInformation.of(State.class);
    }

    @Override
    public State newState() {
        State s = new State();
        s.recent = new double[c.window()];
        s.memory = new double[c.memory() * c.segments()];
        s.shape = new double[c.segments()];
        return s;
    }

    @Override
    public Assessment assess(State s, long timestamp, double x) {
        int w = c.window();
        int m = c.segments();
        if (s.count == 0) {
            s.min = x;
            s.max = x;
            s.hi = x;
            s.lo = x;
        }
        s.recent[(int) (s.count % w)] = x;
        // how far beyond everything seen so far, in units of the range seen so far
        double excess = Math.max(0, Math.max(x - s.hi, s.lo - x)) / Math.max(s.hi - s.lo, 1e-9);
        double shrink = (s.hi - s.lo) * (1 - c.envelopeDecay()) / 2;
        s.hi = Math.max(x, s.hi - shrink);
        s.lo = Math.min(x, s.lo + shrink);
        s.min = Math.min(s.min, x);
        s.max = Math.max(s.max, x);
        s.count++;
        if (s.count < w) {
            return Assessment.WARMING_UP;
        }
        int per = w / m;
        for (int g = 0; g < m; g++) {
            double sum = 0;
            for (int k = 0; k < per; k++) {
                long age = (long) g * per + k; // oldest segment first
                sum += s.recent[(int) ((s.count - w + age) % w)];
            }
            s.shape[g] = sum / per;
        }
        double range = Math.max(s.max - s.min, 1e-9);
        // shapes younger than a window overlap this one, so they would always match: skip them
        int skip = (w + c.stride() - 1) / c.stride();
        int usable = s.memCount - skip;
        double nearest = Double.MAX_VALUE;
        for (int e = 0; e < usable; e++) {
            int idx = Math.floorMod(s.memNext - 1 - skip - e, c.memory()) * m;
            double dist = 0;
            // early abandon: most stored shapes are farther than the best so far
            for (int g = 0; g < m && dist < nearest; g++) {
                double diff = s.shape[g] - s.memory[idx + g];
                dist += diff * diff;
            }
            nearest = Math.min(nearest, dist);
        }
        double d = usable > 0 ? Math.sqrt(nearest / m) / range : 0.0;
        if (s.count % c.stride() == 0) {
            System.arraycopy(s.shape, 0, s.memory, s.memNext * m, m);
            s.memNext = (s.memNext + 1) % c.memory();
            s.memCount = Math.min(s.memCount + 1, c.memory());
        }
        double ratio = d / (s.recordDistance + 1e-12);
        if (usable >= c.minMemory()) {
            s.recordDistance = Math.max(s.recordDistance * c.recordDecay(), d);
        }
        if (s.count <= c.warmUp()) {
            return Assessment.WARMING_UP;
        }
        double raw = Math.min(1.0, Math.max(0.5 * ratio, excess > 0 && c.extremeGain() > 0 ? 0.5 + c.extremeGain() * excess : 0));
        double out = raw > s.peak ? raw : 0.0;
        s.peak = Math.max(s.peak * c.refractoryDecay(), raw);
        return new Assessment(out, s.min, s.max);
    }
}
