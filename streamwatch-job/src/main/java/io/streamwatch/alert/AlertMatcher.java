package io.streamwatch.alert;

import io.streamwatch.model.AnomalyEvent;
import io.streamwatch.model.Severity;
import java.io.Serializable;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which anomalies a route or a silence applies to. Every given condition must hold; an empty set or
 * a null pattern matches anything. Patterns must match the whole value.
 *
 * @param severities allowed severities
 * @param detectors allowed detector names
 * @param seriesKey a regular expression for the series key
 * @param attributes attribute name to a regular expression its value must match (see {@link SeriesLabels})
 */
public record AlertMatcher(
        Set<Severity> severities, Set<String> detectors, Pattern seriesKey, Map<String, Pattern> attributes)
        implements Serializable {

    public static final AlertMatcher ANY = new AlertMatcher(Set.of(), Set.of(), null, Map.of());

    public AlertMatcher {
        severities = Set.copyOf(severities);
        detectors = Set.copyOf(detectors);
        attributes = Map.copyOf(attributes);
    }

    public static AlertMatcher severities(Severity... severities) {
        return new AlertMatcher(Set.of(severities), Set.of(), null, Map.of());
    }

    public boolean matches(AnomalyEvent a) {
        if (!severities.isEmpty() && !severities.contains(a.severity)) return false;
        if (!detectors.isEmpty() && !detectors.contains(a.detector)) return false;
        if (seriesKey != null
                && (a.seriesKey == null || !seriesKey.matcher(a.seriesKey).matches())) return false;
        if (attributes.isEmpty()) return true;
        Map<String, String> labels = SeriesLabels.parse(a.seriesKey);
        return attributes.entrySet().stream().allMatch(e -> {
            String value = labels.get(e.getKey());
            return value != null && e.getValue().matcher(value).matches();
        });
    }

    // Pattern has no equals: compare by source so config objects compare by content
    @Override
    public boolean equals(Object o) {
        return o instanceof AlertMatcher m
                && severities.equals(m.severities)
                && detectors.equals(m.detectors)
                && String.valueOf(seriesKey).equals(String.valueOf(m.seriesKey))
                && attributes.keySet().equals(m.attributes.keySet())
                && attributes.entrySet().stream()
                        .allMatch(e -> e.getValue()
                                .pattern()
                                .equals(m.attributes.get(e.getKey()).pattern()));
    }

    @Override
    public int hashCode() {
        return severities.hashCode() * 31 + detectors.hashCode();
    }
}
