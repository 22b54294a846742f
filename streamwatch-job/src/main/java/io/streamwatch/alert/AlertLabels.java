package io.streamwatch.alert;

import io.streamwatch.model.AnomalyEvent;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The labels of an alert, as Alertmanager's: what grouping ({@code group-by}) and inhibit rules
 * ({@code equal}) compare. {@code series_key}, {@code detector} and {@code severity} (lower case),
 * and the series key's {@code name=value} pairs ({@link SeriesLabels}); a pair with the name of one
 * of the three is overridden by it.
 */
public final class AlertLabels {
    public static final String SERIES_KEY = "series_key";
    public static final String DETECTOR = "detector";
    public static final String SEVERITY = "severity";
    /** What a label name may look like in the configuration. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

    private AlertLabels() {}

    public static Map<String, String> of(AnomalyEvent a) {
        Map<String, String> labels = new TreeMap<>(SeriesLabels.parse(a.seriesKey));
        if (a.seriesKey != null) labels.put(SERIES_KEY, a.seriesKey);
        if (a.detector != null) labels.put(DETECTOR, a.detector);
        if (a.severity != null) labels.put(SEVERITY, a.severity.name().toLowerCase(Locale.ROOT));
        return labels;
    }

    /**
     * {@code name=value,...} of the given labels in the given order, a missing label as empty, as
     * Alertmanager treats a missing label and an empty one alike; empty for no names.
     */
    static String select(Map<String, String> labels, List<String> names) {
        return names.stream().map(n -> n + "=" + labels.getOrDefault(n, "")).collect(Collectors.joining(","));
    }
}
