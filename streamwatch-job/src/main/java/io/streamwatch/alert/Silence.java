package io.streamwatch.alert;

import io.streamwatch.model.AnomalyEvent;
import java.io.Serializable;
import java.time.Instant;

/**
 * Mutes notifications of matching anomalies during [startsAt, endsAt) of wall-clock time; the alert
 * events are still recorded in the outbox, as suppressed by this silence.
 */
public record Silence(String name, AlertMatcher match, Instant startsAt, Instant endsAt) implements Serializable {
    public Silence {
        if (!endsAt.isAfter(startsAt)) {
            throw new IllegalArgumentException(
                    "silence " + name + " ends at " + endsAt + ", not after it starts at " + startsAt);
        }
    }

    public boolean mutes(AnomalyEvent a, long nowMillis) {
        return nowMillis >= startsAt.toEpochMilli() && nowMillis < endsAt.toEpochMilli() && match.matches(a);
    }
}
