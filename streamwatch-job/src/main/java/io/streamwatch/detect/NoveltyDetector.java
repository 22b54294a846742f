package io.streamwatch.detect;

import java.util.Locale;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Scores how new the series' recent behaviour is, compared with what it has done before. Two kinds
 * of novelty, the larger counts:
 *
 * <ul>
 *   <li><b>Shape.</b> The last {@code window} values, averaged into {@code segments} pieces, form a
 *       shape. Its distance to the nearest of the last {@code memory} shapes (leaving out the ones
 *       that overlap it), in units of the series' range, is set against the largest such distance
 *       seen lately, a record that decays by {@value #RECORD_DECAY} per point: {@code 0.5 · d /
 *       record}. A shape as far from everything remembered as the record scores 0.5; one farther
 *       scores more. Dividing by the series' own record is what makes one threshold fit calm and
 *       noisy series alike.
 *   <li><b>Level.</b> A value beyond the smallest or largest value ever seen scores {@code 0.5 +
 *       4 · excess / range}: just beyond scores 0.5, beyond by an eighth of the range scores 1.
 *       Averaging into segments hides a single extreme point from the shape; this catches it.
 * </ul>
 *
 * <p>Then a refractory filter: a score is reported only if it rises above the largest score seen
 * lately (decaying by {@value #REFRACTORY_DECAY} per point), else 0. One event gives one high score,
 * not a run of them, and a following rise still shows.
 *
 * <p>Scores are 0 for the first {@code warmup} points, and shape novelty counts only after
 * {@value #SHAPE_WARMUP}, while the memory and the record fill. The
 * expected range reported is the range of values seen before. Cost: one nearest-neighbour search
 * over {@code memory} shapes per point (with early abandoning), a few microseconds.
 *
 * <p>Measured on the NAB subset in docs/detection-quality.md, where this design and its constants
 * come from; they were chosen for kinds of novelty, not fitted per file.
 */
public final class NoveltyDetector implements Detector<NoveltyState> {

    public static final String NAME = "novelty";

    /** Per-point decay of the record distance: it halves in about 700 points. */
    static final double RECORD_DECAY = 0.999;
    /** Per-point decay of the peak a new score must exceed: it halves in about 70 points. */
    static final double REFRACTORY_DECAY = 0.99;
    /**
     * Points before shape novelty counts (level novelty counts from {@code warmup} on). NAB's
     * probation hides it: its scores are the same with 1, 100 or 200.
     */
    static final int SHAPE_WARMUP = 100;
    /** Score per range of excess beyond the values seen. */
    private static final double EXCESS_GAIN = 4.0;
    /** A flat series has range 0: any change is then infinitely novel, scored 1. */
    private static final double MIN_RANGE = 1e-9;

    private final int window;
    private final int segments;
    private final int memory;
    private final int warmup;

    /**
     * @param window values per shape, >= 2
     * @param segments averages per shape, >= 1, dividing window
     * @param memory shapes remembered, >= 1
     * @param warmup points scored 0 at the start, >= window
     */
    public NoveltyDetector(int window, int segments, int memory, int warmup) {
        if (window < 2) {
            throw new IllegalArgumentException("window must be >= 2, was " + window);
        }
        if (segments < 1 || window % segments != 0) {
            throw new IllegalArgumentException(
                    "segments must be >= 1 and divide window=" + window + ", was " + segments);
        }
        if (memory < 1) {
            throw new IllegalArgumentException("memory must be >= 1, was " + memory);
        }
        if (warmup < window) {
            throw new IllegalArgumentException("warmup must be >= window=" + window + ", was " + warmup);
        }
        this.window = window;
        this.segments = segments;
        this.memory = memory;
        this.warmup = warmup;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public TypeInformation<NoveltyState> stateType() {
        return TypeInformation.of(NoveltyState.class);
    }

    @Override
    public NoveltyState newState() {
        NoveltyState state = new NoveltyState();
        reset(state);
        return state;
    }

    @Override
    public Assessment assess(NoveltyState s, long timestamp, double value) {
        Values.requireFinite(value);
        if (s.recent == null || s.recent.length != window || s.shapes.length != memory * segments) {
            // restored from a job with other settings: the stored shapes do not compare, start afresh
            reset(s);
        }
        double seenMin = s.count == 0 ? value : s.min;
        double seenMax = s.count == 0 ? value : s.max;
        double excess = Math.max(0.0, Math.max(value - seenMax, seenMin - value)) / range(seenMin, seenMax);
        s.recent[(int) (s.count % window)] = value;
        s.min = Math.min(seenMin, value);
        s.max = Math.max(seenMax, value);
        s.count++;
        if (s.count < window) {
            return Assessment.WARMING_UP;
        }
        double d = shapeNovelty(s);
        double ratio = d / (s.record + 1e-12);
        s.record = Math.max(s.record * RECORD_DECAY, d);
        if (s.count <= warmup) {
            return Assessment.WARMING_UP;
        }
        double level = excess > 0.0 ? 0.5 + EXCESS_GAIN * excess : 0.0;
        // a young series' record novelty is near 0 (few shapes to compare with), so its shape ratios
        // run to 1e10 on anything: until then only values beyond the range seen count
        if (s.count <= SHAPE_WARMUP) {
            ratio = 0.0;
        }
        double novelty = Math.max(0.5 * ratio, level);
        double raw = Math.min(1.0, novelty);
        double score = raw > s.peak ? raw : 0.0;
        s.peak = Math.max(s.peak * REFRACTORY_DECAY, raw);
        String detail = score == 0.0
                ? ""
                : level >= 0.5 * ratio
                        ? String.format(Locale.ROOT, "value beyond the range seen by %.1f %% of it", 100 * excess)
                        : String.format(Locale.ROOT, "shape %.3g times as novel as the recent record", ratio);
        return new Assessment(score, seenMin, seenMax, novelty, detail);
    }

    /**
     * Distance, in units of the range, from the current shape to the nearest remembered one that
     * does not overlap it; then remembers the current shape. Finite for any finite input: a distance
     * that overflows stays at the initial Double.MAX_VALUE.
     */
    private double shapeNovelty(NoveltyState s) {
        int per = window / segments;
        double[] shape = new double[segments];
        for (int g = 0; g < segments; g++) {
            double mean = 0.0;
            for (int k = 0; k < per; k++) {
                // oldest value first; dividing each keeps the mean of huge values finite
                mean += s.recent[(int) ((s.count + (long) g * per + k) % window)] / per;
            }
            shape[g] = mean;
        }
        // shapes are kept in the series' unit and compared in units of today's range, which only grows
        double range = range(s.min, s.max);
        // the window - 1 newest shapes share values with this one, so they would always match
        int usable = s.shapeCount - (window - 1);
        double nearest = Double.MAX_VALUE;
        for (int e = 0; e < usable; e++) {
            int at = Math.floorMod(s.shapeNext - window - e, memory) * segments;
            double dist = 0.0;
            // early abandon: most remembered shapes are farther than the best so far
            for (int g = 0; g < segments && dist < nearest; g++) {
                double diff = (shape[g] - s.shapes[at + g]) / range;
                dist += diff * diff;
            }
            nearest = Math.min(nearest, dist);
        }
        System.arraycopy(shape, 0, s.shapes, s.shapeNext * segments, segments);
        s.shapeNext = (s.shapeNext + 1) % memory;
        s.shapeCount = Math.min(s.shapeCount + 1, memory);
        return usable > 0 ? Math.sqrt(nearest / segments) : 0.0;
    }

    private static double range(double min, double max) {
        return Math.min(Math.max(max - min, MIN_RANGE), Double.MAX_VALUE);
    }

    private void reset(NoveltyState s) {
        s.count = 0;
        s.min = 0.0;
        s.max = 0.0;
        s.recent = new double[window];
        s.shapes = new double[memory * segments];
        s.shapeNext = 0;
        s.shapeCount = 0;
        s.record = 0.0;
        s.peak = 0.0;
    }
}
