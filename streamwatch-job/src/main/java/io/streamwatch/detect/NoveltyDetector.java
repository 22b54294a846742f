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
 *       that overlap it), in units of the series' range (as for {@link PatternDetector}), is set against the largest such distance
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

    private final PatternDetector shapes;
    private final int warmup;

    /**
     * @param window values per shape, >= 2
     * @param segments averages per shape, >= 1, dividing window
     * @param memory shapes remembered, >= 1
     * @param warmup points scored 0 at the start, >= window
     */
    public NoveltyDetector(int window, int segments, int memory, int warmup) {
        this.shapes = new PatternDetector(window, segments, memory);
        if (warmup < window) {
            throw new IllegalArgumentException("warmup must be >= window=" + window + ", was " + warmup);
        }
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
        shapes.reset(state);
        return state;
    }

    @Override
    public Assessment assess(NoveltyState s, long timestamp, double value) {
        Values.requireFinite(value);
        if (!shapes.fits(s)) {
            // restored from a job with other settings: the stored shapes do not compare, start afresh
            shapes.reset(s);
            s.record = 0.0;
            s.peak = 0.0;
        }
        double seenMin = s.count == 0 ? value : s.min;
        double seenMax = s.count == 0 ? value : s.max;
        double excess = Math.max(0.0, Math.max(value - seenMax, seenMin - value)) / Shapes.range(seenMin, seenMax);
        double d = shapes.observe(s, value);
        if (Double.isNaN(d)) {
            return Assessment.WARMING_UP;
        }
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
}
