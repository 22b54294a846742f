package io.streamwatch.alert;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The attributes an alert can be matched on. Anomalies carry no event attributes, so they come from
 * the series key when it is written as comma-separated {@code name=value} pairs
 * (e.g. {@code service=checkout,region=eu-west-1,metric=latency}); other keys have none.
 */
public final class SeriesLabels {
    private SeriesLabels() {}

    public static Map<String, String> parse(String seriesKey) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (seriesKey == null) return labels;
        for (String pair : seriesKey.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) return Map.of(); // not in name=value form: no attributes rather than half of them
            labels.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return labels;
    }
}
