package io.streamwatch.detect;

import java.io.Serializable;
import java.util.Map;

/**
 * Everything {@link DetectionFunction} needs besides its detectors.
 *
 * <p>Silence: after {@code missingAfterWindows} windows without an aggregate the "missingdata"
 * detector opens an anomaly (0 turns that off). After {@code retireAfterWindows} windows without one
 * the series is retired: every anomaly still open on it is resolved, saying so, and all its state is
 * dropped, so that series that are gone for good cost nothing. A series that reports again after
 * that starts afresh, with warm-up.
 *
 * @param field the statistic of each window the detectors observe
 * @param severity severity of an anomaly from its score
 * @param lifecycle when anomalies open and resolve
 * @param missingAfterWindows silent windows before a missing-data anomaly opens; 0 = off
 * @param retireAfterWindows silent windows before the series is retired; > missingAfterWindows
 * @param openThresholds per detector name, an open threshold replacing the lifecycle's: detectors
 *     score on different scales, so each opens at the threshold its own evaluation found
 */
public record DetectionSettings(
        ObservedField field,
        SeverityThresholds severity,
        AnomalyLifecycle lifecycle,
        int missingAfterWindows,
        int retireAfterWindows,
        Map<String, Double> openThresholds)
        implements Serializable {

    /** Settings where every detector opens at the lifecycle's threshold. */
    public DetectionSettings(
            ObservedField field,
            SeverityThresholds severity,
            AnomalyLifecycle lifecycle,
            int missingAfterWindows,
            int retireAfterWindows) {
        this(field, severity, lifecycle, missingAfterWindows, retireAfterWindows, Map.of());
    }

    public DetectionSettings {
        if (field == null) {
            throw new IllegalArgumentException("field must not be null");
        }
        if (severity == null) {
            throw new IllegalArgumentException("severity must not be null");
        }
        if (lifecycle == null) {
            throw new IllegalArgumentException("lifecycle must not be null");
        }
        if (lifecycle.openThreshold() < severity.info()) {
            // otherwise an anomaly could open without a severity
            throw new IllegalArgumentException("lifecycle.openThreshold (" + lifecycle.openThreshold()
                    + ") must be >= severity.info (" + severity.info() + ")");
        }
        if (openThresholds == null) {
            throw new IllegalArgumentException("openThresholds must not be null");
        }
        openThresholds = Map.copyOf(openThresholds);
        for (Map.Entry<String, Double> e : openThresholds.entrySet()) {
            AnomalyLifecycle own = withOpenThreshold(lifecycle, e.getValue());
            if (own.openThreshold() < severity.info()) {
                throw new IllegalArgumentException("open threshold of " + e.getKey() + " (" + own.openThreshold()
                        + ") must be >= severity.info (" + severity.info() + ")");
            }
        }
        if (missingAfterWindows < 0) {
            throw new IllegalArgumentException("missingAfterWindows must be >= 0, was " + missingAfterWindows);
        }
        if (retireAfterWindows < 1 || retireAfterWindows <= missingAfterWindows) {
            throw new IllegalArgumentException("retireAfterWindows must be >= 1 and > missingAfterWindows ("
                    + missingAfterWindows + "), was " + retireAfterWindows);
        }
    }

    /** When the anomalies of the named detector open and resolve. */
    public AnomalyLifecycle lifecycleFor(String detector) {
        Double open = openThresholds.get(detector);
        return open == null ? lifecycle : withOpenThreshold(lifecycle, open);
    }

    private static AnomalyLifecycle withOpenThreshold(AnomalyLifecycle lifecycle, double open) {
        return new AnomalyLifecycle(open, lifecycle.resolveThreshold(), lifecycle.resolveAfter());
    }
}
