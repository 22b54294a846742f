package io.streamwatch.alert;

import java.util.List;
import java.util.Objects;

/**
 * One row of the delivery outbox: the state of one (alert event, receiver) delivery. Rows are
 * upserted as a delivery progresses; a state never moves back to a lower {@link Status}.
 */
public class AlertDelivery {
    /** In the order a delivery may move through; the outbox keeps the highest it has seen. */
    public enum Status {
        PENDING,
        /** Held while an alert that inhibits it fires; may still be sent once that resolves. */
        INHIBITED,
        SUPPRESSED,
        FAILED,
        SENT
    }

    public String alertEventId;
    public String receiver;
    /** Null for a storm summary. */
    public String anomalyId;

    public String seriesKey;
    public String detector;
    /** FIRING, REPEAT, RESOLVED or STORM_SUMMARY. */
    public String eventKind;

    public String severity;
    public Status status;
    /** HTTP attempts made; 0 while pending or when suppressed. */
    public int attempts;
    /** Why it was suppressed or failed; null otherwise. */
    public String reason;
    /** Processing time the alert event reached the notification gate. */
    public long firstSeenAt;
    /** Processing time the receiver accepted it; null unless sent. */
    public Long sentAt;

    public AlertDelivery() {}

    public static AlertDelivery of(AlertEvent e, Status status) {
        AlertDelivery d = new AlertDelivery();
        d.alertEventId = e.id();
        d.receiver = e.receiver;
        d.anomalyId = e.anomaly.anomalyId();
        d.seriesKey = e.anomaly.seriesKey;
        d.detector = e.anomaly.detector;
        d.eventKind = !e.firing() ? "RESOLVED" : e.repeat > 0 ? "REPEAT" : "FIRING";
        d.severity = e.anomaly.severity == null ? null : e.anomaly.severity.name();
        d.status = status;
        d.reason = e.suppressedBy;
        d.firstSeenAt = e.receivedAt;
        return d;
    }

    /** The rows of a message: one per alert event, or one for a storm summary. */
    public static List<AlertDelivery> of(Notification n, Status status, long firstSeenAt) {
        if (!n.isStormSummary()) {
            return n.alerts.stream().map(e -> of(e, status)).toList();
        }
        AlertDelivery d = new AlertDelivery();
        d.alertEventId = n.stormSummaryId();
        d.receiver = n.receiver;
        d.eventKind = "STORM_SUMMARY";
        d.status = status;
        d.firstSeenAt = firstSeenAt;
        return List.of(d);
    }

    public AlertDelivery with(Status status, int attempts, String reason, Long sentAt) {
        AlertDelivery d = new AlertDelivery();
        d.alertEventId = alertEventId;
        d.receiver = receiver;
        d.anomalyId = anomalyId;
        d.seriesKey = seriesKey;
        d.detector = detector;
        d.eventKind = eventKind;
        d.severity = severity;
        d.status = status;
        d.attempts = attempts;
        d.reason = reason;
        d.firstSeenAt = firstSeenAt;
        d.sentAt = sentAt;
        return d;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AlertDelivery d
                && attempts == d.attempts
                && firstSeenAt == d.firstSeenAt
                && Objects.equals(alertEventId, d.alertEventId)
                && Objects.equals(receiver, d.receiver)
                && Objects.equals(anomalyId, d.anomalyId)
                && Objects.equals(eventKind, d.eventKind)
                && Objects.equals(severity, d.severity)
                && status == d.status
                && Objects.equals(reason, d.reason)
                && Objects.equals(sentAt, d.sentAt)
                && Objects.equals(seriesKey, d.seriesKey)
                && Objects.equals(detector, d.detector);
    }

    @Override
    public int hashCode() {
        return Objects.hash(alertEventId, receiver, status);
    }

    @Override
    public String toString() {
        return "AlertDelivery{" + alertEventId + " to " + receiver + ": " + status
                + (reason == null ? "" : " (" + reason + ")") + ", attempts=" + attempts + "}";
    }
}
