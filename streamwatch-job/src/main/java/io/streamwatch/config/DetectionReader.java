package io.streamwatch.config;

import io.streamwatch.detect.AnomalyLifecycle;
import io.streamwatch.detect.CalibratedDetector;
import io.streamwatch.detect.DetectionFunction;
import io.streamwatch.detect.DetectionSettings;
import io.streamwatch.detect.Detector;
import io.streamwatch.detect.DetectorSuite;
import io.streamwatch.detect.EnsembleDetector;
import io.streamwatch.detect.EwmaDetector;
import io.streamwatch.detect.LikelihoodCalibration;
import io.streamwatch.detect.MadDetector;
import io.streamwatch.detect.NoveltyDetector;
import io.streamwatch.detect.ObservedField;
import io.streamwatch.detect.PatternDetector;
import io.streamwatch.detect.RangeDetector;
import io.streamwatch.detect.ScoreCalibration;
import io.streamwatch.detect.SeverityThresholds;
import io.streamwatch.detect.TailCalibration;
import io.streamwatch.detect.ThresholdDetector;
import io.streamwatch.detect.ZScoring;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** Reads the {@code detection:} section into a {@link DetectorSuite}: which detectors, with what settings. */
public final class DetectionReader {

    /** Detector types and how to build one from its settings. */
    private enum Type {
        THRESHOLD,
        EWMA,
        MAD,
        NOVELTY,
        PATTERN,
        RANGE,
        ENSEMBLE
    }

    /** How a calibrated detector's raw evidence becomes a tail probability. */
    private enum Method {
        LIKELIHOOD,
        TAIL
    }

    /**
     * The detectors that learn from the data, by the name their anomalies carry: what a benchmark
     * such as {@code streamwatch nab} can evaluate with default settings (threshold needs bounds per
     * series). See {@link #evaluatedSpec}.
     */
    public static final List<String> EVALUATED_DETECTORS = List.of(
            "novelty",
            "pattern",
            "range",
            "ewma",
            "mad",
            "pattern" + CalibratedDetector.SUFFIX,
            "ewma" + CalibratedDetector.SUFFIX,
            "mad" + CalibratedDetector.SUFFIX,
            EnsembleDetector.NAME);

    /** The default detector: the best cross-validated one on NAB (docs/detection-quality.md). */
    static final Map<String, Object> DEFAULT_DETECTOR = Map.of("type", EnsembleDetector.NAME);

    /** Open threshold of novelty when not configured: its NAB optimum (docs/detection-quality.md). */
    static final double NOVELTY_OPEN_THRESHOLD = 0.6024;

    /**
     * Open threshold of detectors whose score is a surprise that saturates at 1 (likelihood-calibrated
     * detectors and range) when not configured: they report the onset of a surprise of their full
     * digits, which is where NAB's threshold sweep puts them (docs/detection-quality.md).
     */
    static final double SATURATING_OPEN_THRESHOLD = 1.0;

    /**
     * Open threshold of tail-calibrated detectors when not configured: a tail probability of 10^-3
     * with the default 5 digits, a little above where NAB's threshold sweep puts them (0.54-0.59).
     */
    static final double TAIL_CALIBRATED_OPEN_THRESHOLD = 0.6;

    /**
     * Members of the default ensemble, each a surprise of 6 digits at score 1: how new the recent
     * pattern is and how far a robust z is from the usual, both as an anomaly likelihood, and a value
     * beyond the range seen.
     */
    private static final List<Map<String, Object>> DEFAULT_MEMBERS = List.of(
            Map.of("type", "pattern", "calibrated", true),
            Map.of("type", "range"),
            Map.of("type", "mad", "calibrated", true));

    private DetectionReader() {}

    /**
     * The {@code detection.detectors} entry of one of {@link #EVALUATED_DETECTORS}, with default
     * settings.
     */
    public static Map<String, Object> evaluatedSpec(String name) {
        if (!EVALUATED_DETECTORS.contains(name)) {
            throw new IllegalArgumentException("unknown detector " + name + "; one of " + EVALUATED_DETECTORS);
        }
        return name.endsWith(CalibratedDetector.SUFFIX)
                ? Map.of(
                        "type",
                        name.substring(0, name.length() - CalibratedDetector.SUFFIX.length()),
                        "calibrated",
                        true)
                : Map.of("type", name);
    }

    static DetectorSuite read(ConfigReader r) {
        String p = "detection.";
        ObservedField field = r.enumValue(p + "field", ObservedField.class, ObservedField.MEAN);
        double info = r.doubleIn(p + "severity.info", 0.5, 0.0, 1.0);
        double warning = r.doubleIn(p + "severity.warning", 0.7, 0.0, 1.0);
        double critical = r.doubleIn(p + "severity.critical", 0.9, 0.0, 1.0);
        double open = r.doubleIn(p + "open-threshold", 0.7, 0.0, 1.0);
        double resolve = r.doubleIn(p + "resolve-threshold", 0.4, 0.0, 1.0);
        int resolveAfter = r.intIn(p + "resolve-after", 3, 1, 10_000);
        int missingAfter = r.intIn(p + "missing-after-windows", 5, 0, 1_000_000);
        int retireAfter = r.intIn(p + "retire-after-windows", 1_440, 1, 10_000_000);

        List<Map<String, Object>> specs = r.mapList(p + "detectors");
        if (specs.isEmpty()) {
            specs = List.of(DEFAULT_DETECTOR);
        }
        List<Detector<?>> detectors = new ArrayList<>();
        Map<String, Double> openThresholds = new HashMap<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            String where = p + "detectors[" + i + "]";
            ConfigReader d = r.entry(where, specs.get(i));
            Detector<?> detector = detector(d, where);
            double defaultOpen = defaultOpenThreshold(detector, open);
            double ownOpen = d.doubleIn(where + ".open-threshold", defaultOpen, 0.0, 1.0);
            if (ownOpen < info || ownOpen <= resolve) {
                d.problem(
                        where + ".open-threshold",
                        ownOpen,
                        "must be at least detection.severity.info (" + info
                                + ") and above detection.resolve-threshold (" + resolve + ")");
            }
            d.reportUnknownKeys();
            if (detector != null) {
                if (!names.add(detector.name()) || DetectionFunction.MISSING_DATA.equals(detector.name())) {
                    d.problem(
                            where + ".type",
                            detector.name(),
                            "each detector type may appear once (its name '" + detector.name() + "' keys its state)");
                }
                detectors.add(detector);
                openThresholds.put(detector.name(), ownOpen);
            }
        }
        DetectionSettings settings = build(
                r,
                p + "severity",
                () -> new DetectionSettings(
                        field,
                        new SeverityThresholds(info, warning, critical),
                        new AnomalyLifecycle(open, resolve, resolveAfter),
                        missingAfter,
                        retireAfter,
                        openThresholds));
        return new DetectorSuite(List.copyOf(detectors), settings);
    }

    /**
     * The open threshold of a detector whose entry does not set one: where its score means an
     * anomaly; for an ensemble the lowest of its members' (they should score on one scale).
     */
    private static double defaultOpenThreshold(Detector<?> detector, double open) {
        if (detector instanceof EnsembleDetector ensemble) {
            return ensemble.members().stream()
                    .mapToDouble(m -> defaultOpenThreshold(m, open))
                    .min()
                    .orElse(open);
        }
        if (detector instanceof NoveltyDetector) {
            return NOVELTY_OPEN_THRESHOLD;
        }
        if (detector instanceof RangeDetector) {
            return SATURATING_OPEN_THRESHOLD;
        }
        if (detector instanceof CalibratedDetector<?, ?> calibrated) {
            return calibrated.calibration() instanceof TailCalibration
                    ? TAIL_CALIBRATED_OPEN_THRESHOLD
                    : SATURATING_OPEN_THRESHOLD;
        }
        return open;
    }

    /** One detector from its entry (an ensemble's members recursively); null after reporting a problem. */
    private static Detector<?> detector(ConfigReader d, String where) {
        Type type = d.enumValue(where + ".type", Type.class, null);
        if (type == null) {
            d.problem(
                    where + ".type", null, "required: one of threshold, ewma, mad, novelty, pattern, range, ensemble");
            return null;
        }
        Detector<?> detector = switch (type) {
            case THRESHOLD -> {
                double lower = d.doubleIn(
                        where + ".lower", Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
                double upper = d.doubleIn(
                        where + ".upper", Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
                double margin = d.doubleIn(where + ".margin", 1.0, Double.MIN_VALUE, Double.MAX_VALUE);
                yield build(d, where, () -> new ThresholdDetector(lower, upper, margin));
            }
            case EWMA -> {
                // the better calibrated ewma on NAB (docs/detection-experiments.md): the mean follows
                // the level over about 60 values, the spread is the series' over about 2,000
                double alpha = d.doubleIn(where + ".alpha", 0.03, Double.MIN_VALUE, 1.0);
                double spreadAlpha = d.doubleIn(where + ".spread-alpha", 0.001, Double.MIN_VALUE, 1.0);
                int warmup = d.intIn(where + ".warmup", 10, 2, 1_000_000);
                ZScoring scoring = scoring(d, where);
                yield build(d, where, () -> new EwmaDetector(alpha, spreadAlpha, warmup, scoring));
            }
            case MAD -> {
                // 100 rather than 30: the better calibrated mad on NAB (docs/detection-quality.md)
                int window = d.intIn(where + ".window", 100, 3, 10_000);
                int warmup = d.intIn(where + ".warmup", 10, 3, 10_000);
                ZScoring scoring = scoring(d, where);
                yield build(d, where, () -> new MadDetector(window, warmup, scoring));
            }
            case NOVELTY -> {
                int window = d.intIn(where + ".window", 16, 2, 1_000);
                int segments = d.intIn(where + ".segments", 4, 1, 1_000);
                int memory = d.intIn(where + ".memory", 512, 1, 10_000);
                // scores from the 21st window; NAB's probation hides what a longer warm-up would
                int warmup = d.intIn(where + ".warmup", 20, 2, 1_000_000);
                yield build(d, where, () -> new NoveltyDetector(window, segments, memory, warmup));
            }
            case PATTERN -> {
                int window = d.intIn(where + ".window", 16, 2, 1_000);
                int segments = d.intIn(where + ".segments", 4, 1, 1_000);
                int memory = d.intIn(where + ".memory", 512, 1, 10_000);
                yield build(d, where, () -> new PatternDetector(window, segments, memory));
            }
            case RANGE -> {
                int warmup = d.intIn(where + ".warmup", 20, 2, 1_000_000);
                double gain = d.doubleIn(where + ".gain", 10.0, Double.MIN_VALUE, 1_000.0);
                double digits = d.doubleIn(where + ".digits", 6.0, Double.MIN_VALUE, 300.0);
                double decay = d.doubleIn(where + ".refractory-decay", 0.99, 0.0, 1.0);
                yield build(d, where, () -> new RangeDetector(warmup, gain, digits, decay));
            }
            case ENSEMBLE -> {
                List<Map<String, Object>> specs = d.mapList(where + ".members");
                if (specs.isEmpty()) {
                    specs = DEFAULT_MEMBERS;
                }
                List<Detector<?>> members = new ArrayList<>();
                for (int j = 0; j < specs.size(); j++) {
                    String at = where + ".members[" + j + "]";
                    ConfigReader m = d.entry(at, specs.get(j));
                    Detector<?> member = detector(m, at);
                    m.reportUnknownKeys();
                    if (member instanceof EnsembleDetector) {
                        m.problem(at + ".type", "an ensemble cannot be a member of an ensemble");
                    } else if (member != null) {
                        members.add(member);
                    }
                }
                double decay = d.doubleIn(where + ".refractory-decay", 0.99, 0.0, 1.0);
                yield build(d, where, () -> new EnsembleDetector(members, decay));
            }
        };
        if (detector != null && d.bool(where + ".calibrated", false)) {
            if (type == Type.ENSEMBLE) {
                d.problem(where + ".calibrated", "an ensemble is not calibrated itself; calibrate its members");
                return null;
            }
            ScoreCalibration<?> calibration = calibration(d, where + ".calibration");
            return calibration == null ? null : calibrated(detector, calibration);
        }
        return detector;
    }

    private static <S, C> Detector<?> calibrated(Detector<S> inner, ScoreCalibration<C> calibration) {
        return new CalibratedDetector<>(inner, calibration);
    }

    private static ScoreCalibration<?> calibration(ConfigReader d, String where) {
        Method method = d.enumValue(where + ".method", Method.class, Method.LIKELIHOOD);
        return method == Method.TAIL ? tailCalibration(d, where) : likelihoodCalibration(d, where);
    }

    private static LikelihoodCalibration likelihoodCalibration(ConfigReader d, String where) {
        LikelihoodCalibration c = LikelihoodCalibration.DEFAULT;
        int window = d.intIn(where + ".window", c.window(), 1, 10_000);
        int history = d.intIn(where + ".history", c.history(), 1, 10_000_000);
        int minHistory = d.intIn(where + ".min-history", c.minHistory(), 2, 100_000);
        double digits = d.doubleIn(where + ".digits", c.digits(), 0.0, 300.0);
        double minScale = d.doubleIn(where + ".relative-min-scale", c.relativeMinScale(), 0.0, 1_000.0);
        double decay = d.doubleIn(where + ".refractory-decay", c.refractoryDecay(), 0.0, 1.0);
        return build(d, where, () -> new LikelihoodCalibration(window, history, minHistory, digits, minScale, decay));
    }

    private static TailCalibration tailCalibration(ConfigReader d, String where) {
        TailCalibration c = TailCalibration.DEFAULT;
        int history = d.intIn(where + ".history", c.history(), 2, 100_000);
        int minHistory = d.intIn(where + ".min-history", c.minHistory(), 2, 100_000);
        double tail = d.doubleIn(where + ".tail-fraction", c.tailFraction(), 0.0, 0.5);
        double minScale = d.doubleIn(where + ".min-scale", c.minScale(), 0.0, Double.MAX_VALUE);
        double digits = d.doubleIn(where + ".digits", c.digits(), 0.0, 300.0);
        double smoothing = d.doubleIn(where + ".smoothing", c.smoothing(), 0.0, 1.0);
        double decay = d.doubleIn(where + ".refractory-decay", c.refractoryDecay(), 0.0, 1.0);
        return build(
                d, where, () -> new TailCalibration(history, minHistory, tail, minScale, digits, decay, smoothing));
    }

    private static ZScoring scoring(ConfigReader d, String where) {
        ZScoring z = ZScoring.DEFAULT;
        double low = d.doubleIn(where + ".z-low", z.zLow(), 0.0, 1_000.0);
        double high = d.doubleIn(where + ".z-high", z.zHigh(), 0.0, 1_000.0);
        double minSpread = d.doubleIn(where + ".min-spread", z.minSpread(), 0.0, Double.MAX_VALUE);
        double relative = d.doubleIn(where + ".relative-min-spread", z.relativeMinSpread(), 0.0, 1.0);
        return build(d, where, () -> new ZScoring(low, high, minSpread, relative));
    }

    /** Runs a constructor that validates its arguments, turning its complaint into a config problem. */
    private static <T> T build(ConfigReader r, String where, Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            r.problem(where, e.getMessage());
            return null;
        }
    }
}
