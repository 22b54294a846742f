package io.streamwatch.alert;

import io.streamwatch.model.AnomalyEvent;
import java.util.Objects;

/**
 * One notification-worthy event of an anomaly for one receiver: the anomaly opening (firing), a
 * reminder that it still fires, or its resolution. {@link #id()} names the event; with the receiver
 * it is the key of the delivery outbox.
 */
public class AlertEvent {
    public AnomalyEvent anomaly;
    /** Set by routing; null before. */
    public String receiver;
    /** 0 for the first notification; n for the n-th reminder of a still-firing anomaly. */
    public int repeat;
    /** Why this event is recorded but not sent (flap, a silence, the storm guard); null to send it. */
    public String suppressedBy;
    /** Processing time at which the event reached the notification gate: delivery latency starts here. */
    public long receivedAt;
    /**
     * A copy that only tells this receiver's gate that an alert able to inhibit others fired or
     * resolved; its routes do not name this receiver, so it is not delivered here.
     */
    public boolean inhibitorOnly;

    public AlertEvent() {}

    public static AlertEvent of(AnomalyEvent anomaly) {
        AlertEvent e = new AlertEvent();
        e.anomaly = anomaly;
        return e;
    }

    public AlertEvent copy() {
        AlertEvent e = of(anomaly);
        e.receiver = receiver;
        e.repeat = repeat;
        e.suppressedBy = suppressedBy;
        e.receivedAt = receivedAt;
        e.inhibitorOnly = inhibitorOnly;
        return e;
    }

    /** What routes, groups and inhibit rules see of the alert ({@link AlertLabels}). */
    public java.util.Map<String, String> labels() {
        return AlertLabels.of(anomaly);
    }

    public boolean firing() {
        return anomaly.kind == AnomalyEvent.Kind.OPENED;
    }

    /** {@code series|detector|openedWindowStart|OPENED} (or {@code |RESOLVED}), reminders with {@code |repeat-n}. */
    public String id() {
        return anomaly.anomalyId() + "|" + anomaly.kind + (repeat > 0 ? "|repeat-" + repeat : "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AlertEvent a
                && repeat == a.repeat
                && receivedAt == a.receivedAt
                && inhibitorOnly == a.inhibitorOnly
                && Objects.equals(anomaly, a.anomaly)
                && Objects.equals(receiver, a.receiver)
                && Objects.equals(suppressedBy, a.suppressedBy);
    }

    @Override
    public int hashCode() {
        return Objects.hash(anomaly, receiver, repeat);
    }

    @Override
    public String toString() {
        return "AlertEvent{" + id() + " to " + receiver + (suppressedBy == null ? "" : " suppressed by " + suppressedBy)
                + (inhibitorOnly ? " (inhibitor only)" : "") + "}";
    }
}
