package io.streamwatch.detect;

import java.io.Serializable;

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
 */
public record DetectionSettings(
        ObservedField field,
        SeverityThresholds severity,
        AnomalyLifecycle lifecycle,
        int missingAfterWindows,
        int retireAfterWindows) implements Serializable {

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
        if (missingAfterWindows < 0) {
            throw new IllegalArgumentException("missingAfterWindows must be >= 0, was " + missingAfterWindows);
        }
        if (retireAfterWindows < 1 || retireAfterWindows <= missingAfterWindows) {
            throw new IllegalArgumentException("retireAfterWindows must be >= 1 and > missingAfterWindows ("
                    + missingAfterWindows + "), was " + retireAfterWindows);
        }
    }
}
