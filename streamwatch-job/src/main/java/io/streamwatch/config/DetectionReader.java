package io.streamwatch.config;

import io.streamwatch.detect.AnomalyLifecycle;
import io.streamwatch.detect.DetectionFunction;
import io.streamwatch.detect.DetectionSettings;
import io.streamwatch.detect.Detector;
import io.streamwatch.detect.DetectorSuite;
import io.streamwatch.detect.EwmaDetector;
import io.streamwatch.detect.MadDetector;
import io.streamwatch.detect.NoveltyDetector;
import io.streamwatch.detect.ObservedField;
import io.streamwatch.detect.SeverityThresholds;
import io.streamwatch.detect.ThresholdDetector;
import io.streamwatch.detect.ZScoring;
import java.util.ArrayList;
import java.util.Arrays;
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
        NOVELTY
    }

    /**
     * The types that learn from the data, as named in the configuration: what a benchmark such as
     * {@code streamwatch nab} can evaluate with default settings (threshold needs bounds per series).
     */
    public static final List<String> EVALUATED_TYPES = Arrays.stream(Type.values())
            .filter(t -> t != Type.THRESHOLD)
            .map(ConfigReader::configName)
            .toList();

    private DetectionReader() {}

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
            // the best detector on the NAB benchmark (docs/detection-quality.md)
            specs = List.of(Map.of("type", "novelty"));
        }
        List<Detector<?>> detectors = new ArrayList<>();
        Map<String, Double> openThresholds = new HashMap<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            String where = p + "detectors[" + i + "]";
            ConfigReader d = r.entry(where, specs.get(i));
            Type type = d.enumValue(where + ".type", Type.class, null);
            Detector<?> detector = type == null
                    ? null
                    : switch (type) {
                        case THRESHOLD -> {
                            double lower = d.doubleIn(
                                    where + ".lower",
                                    Double.NEGATIVE_INFINITY,
                                    Double.NEGATIVE_INFINITY,
                                    Double.POSITIVE_INFINITY);
                            double upper = d.doubleIn(
                                    where + ".upper",
                                    Double.POSITIVE_INFINITY,
                                    Double.NEGATIVE_INFINITY,
                                    Double.POSITIVE_INFINITY);
                            double margin = d.doubleIn(where + ".margin", 1.0, Double.MIN_VALUE, Double.MAX_VALUE);
                            yield build(d, where, () -> new ThresholdDetector(lower, upper, margin));
                        }
                        case EWMA -> {
                            double alpha = d.doubleIn(where + ".alpha", 0.1, Double.MIN_VALUE, 1.0);
                            int warmup = d.intIn(where + ".warmup", 20, 2, 1_000_000);
                            ZScoring scoring = scoring(d, where);
                            yield build(d, where, () -> new EwmaDetector(alpha, warmup, scoring));
                        }
                        case MAD -> {
                            int window = d.intIn(where + ".window", 30, 3, 10_000);
                            int warmup = d.intIn(where + ".warmup", 10, 3, 10_000);
                            ZScoring scoring = scoring(d, where);
                            yield build(d, where, () -> new MadDetector(window, warmup, scoring));
                        }
                        case NOVELTY -> {
                            int window = d.intIn(where + ".window", 16, 2, 1_000);
                            int segments = d.intIn(where + ".segments", 4, 1, 1_000);
                            int memory = d.intIn(where + ".memory", 512, 1, 10_000);
                            int warmup = d.intIn(where + ".warmup", 300, 2, 1_000_000);
                            yield build(d, where, () -> new NoveltyDetector(window, segments, memory, warmup));
                        }
                    };
            // novelty's default is the threshold at which it scored best on NAB (docs/detection-quality.md)
            double ownOpen = d.doubleIn(where + ".open-threshold", type == Type.NOVELTY ? 0.6024 : open, 0.0, 1.0);
            if (ownOpen < info || ownOpen <= resolve) {
                d.problem(
                        where + ".open-threshold",
                        ownOpen,
                        "must be at least detection.severity.info (" + info
                                + ") and above detection.resolve-threshold (" + resolve + ")");
            }
            if (type == null) d.problem(where + ".type", null, "required: one of threshold, ewma, mad, novelty");
            d.reportUnknownKeys();
            if (detector != null) {
                if (!names.add(detector.name()) || DetectionFunction.MISSING_DATA.equals(detector.name())) {
                    d.problem(
                            where + ".type",
                            ConfigReader.configName(type),
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
