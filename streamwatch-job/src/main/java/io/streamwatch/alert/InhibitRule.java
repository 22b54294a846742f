package io.streamwatch.alert;

import io.streamwatch.model.AnomalyEvent;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * As Alertmanager's inhibit rules: while an alert matching {@code source} fires, alerts matching
 * {@code target} with the same values of the {@code equal} labels ({@link AlertLabels}) are not
 * notified. An alert never inhibits itself, though it may match both.
 */
public record InhibitRule(AlertMatcher source, AlertMatcher target, List<String> equal) implements Serializable {
    public InhibitRule {
        equal = List.copyOf(equal);
    }

    /** Whether the firing {@code inhibitor} hides {@code alert} under this rule. */
    public boolean inhibits(AnomalyEvent inhibitor, AnomalyEvent alert) {
        if (inhibitor.anomalyId().equals(alert.anomalyId())) return false;
        if (!source.matches(inhibitor) || !target.matches(alert)) return false;
        Map<String, String> a = AlertLabels.of(inhibitor);
        Map<String, String> b = AlertLabels.of(alert);
        return AlertLabels.select(a, equal).equals(AlertLabels.select(b, equal));
    }
}
