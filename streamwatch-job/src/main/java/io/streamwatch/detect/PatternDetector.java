package io.streamwatch.detect;

import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * How unlike every remembered pattern the series' last values are. The last {@code window} values,
 * averaged into {@code segments} pieces, form a shape; its raw evidence is the distance to the
 * nearest of the last {@code memory} shapes (leaving out those that overlap it), in units of the
 * range of values seen (see {@link Shapes}). A series that repeats itself, however noisy or
 * seasonal, has near shapes; a new pattern does not.
 *
 * <p>Meant to be calibrated ({@link CalibratedDetector} with {@link LikelihoodCalibration}): a
 * distance means something only against the distances this series usually shows. Its own score is
 * the distance on an absolute scale, 1 at a quarter of the range.
 *
 * <p>Warms up until {@code window} remembered shapes can be compared with ({@code 3 · window - 1}
 * values): nearer to the start every shape is new. The expected range reported is the range of
 * values seen. Cost: one nearest-neighbour search over {@code memory} shapes per point, with early
 * abandoning. State: about {@code 8 · (window + memory · segments)} bytes.
 */
public final class PatternDetector implements Detector<PatternState> {

    public static final String NAME = "pattern";

    /** Score per range of distance, uncalibrated. */
    private static final double GAIN = 4.0;

    private final int window;
    private final int segments;
    private final int memory;

    /**
     * @param window values per shape, >= 2
     * @param segments averages per shape, >= 1, dividing window
     * @param memory shapes remembered, >= 1; more than window, or no shape ever compares (the newest
     *     window - 1 overlap the current one)
     */
    public PatternDetector(int window, int segments, int memory) {
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
        this.window = window;
        this.segments = segments;
        this.memory = memory;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public TypeInformation<PatternState> stateType() {
        return TypeInformation.of(PatternState.class);
    }

    @Override
    public PatternState newState() {
        PatternState state = new PatternState();
        reset(state);
        return state;
    }

    @Override
    public Assessment assess(PatternState s, long timestamp, double value) {
        Values.requireFinite(value);
        if (!fits(s)) {
            reset(s);
        }
        double seenMin = s.count == 0 ? value : s.min;
        double seenMax = s.count == 0 ? value : s.max;
        double distance = observe(s, value);
        if (Double.isNaN(distance) || s.count < 3L * window - 1) {
            return Assessment.WARMING_UP;
        }
        return new Assessment(Math.min(1.0, GAIN * distance), seenMin, seenMax, distance, "");
    }

    /**
     * Folds {@code value} into {@code s}: the range seen, the last values and the shapes remembered.
     *
     * @return the distance from the current shape to the nearest remembered one (see {@link Shapes}),
     *     or NaN while fewer than {@code window} values are known
     */
    double observe(PatternState s, double value) {
        s.min = s.count == 0 ? value : Math.min(s.min, value);
        s.max = s.count == 0 ? value : Math.max(s.max, value);
        s.recent[(int) (s.count % window)] = value;
        s.count++;
        if (s.count < window) {
            return Double.NaN;
        }
        double distance = Shapes.nearestThenRemember(
                s.recent, s.count, s.shapes, s.shapeNext, s.shapeCount, segments, s.min, s.max);
        s.shapeNext = (s.shapeNext + 1) % memory;
        s.shapeCount = Math.min(s.shapeCount + 1, memory);
        return distance;
    }

    /** Whether {@code s} was made with these settings; one restored from a job with others does not compare. */
    boolean fits(PatternState s) {
        return s.recent != null && s.recent.length == window && s.shapes.length == memory * segments;
    }

    /** Empties {@code s} for these settings. */
    void reset(PatternState s) {
        s.count = 0;
        s.min = 0.0;
        s.max = 0.0;
        s.recent = new double[window];
        s.shapes = new double[memory * segments];
        s.shapeNext = 0;
        s.shapeCount = 0;
    }
}
