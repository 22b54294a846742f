package io.streamwatch.detect;

import io.streamwatch.model.Severity;
import java.io.Serializable;

/**
 * Scores from which an anomaly is INFO, WARNING or CRITICAL.
 *
 * @param info lowest score that has a severity, > 0
 * @param warning lowest WARNING score, >= info
 * @param critical lowest CRITICAL score, in [warning, 1]
 */
public record SeverityThresholds(double info, double warning, double critical) implements Serializable {

    public SeverityThresholds {
        if (!(info > 0.0 && info <= 1.0)) {
            throw new IllegalArgumentException("info must be in (0, 1], was " + info);
        }
        if (!(warning >= info && warning <= 1.0)) {
            throw new IllegalArgumentException("warning must be in [info, 1], was " + warning);
        }
        if (!(critical >= warning && critical <= 1.0)) {
            throw new IllegalArgumentException("critical must be in [warning, 1], was " + critical);
        }
    }

    /** The severity of {@code score}, or null when it is below {@link #info}. */
    public Severity severityOf(double score) {
        if (score >= critical) {
            return Severity.CRITICAL;
        }
        if (score >= warning) {
            return Severity.WARNING;
        }
        return score >= info ? Severity.INFO : null;
    }
}
