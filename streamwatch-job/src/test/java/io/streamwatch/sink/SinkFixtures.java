package io.streamwatch.sink;

import io.streamwatch.model.AnomalyEvent;
import io.streamwatch.model.DeadLetter;
import io.streamwatch.model.Event;
import io.streamwatch.model.LateEvent;
import io.streamwatch.model.Severity;
import io.streamwatch.model.WindowAggregate;
import io.streamwatch.testkit.TestDatabase;
import java.time.Instant;
import java.util.Map;

/** Records with fixed instants for the sink tests; each test changes only what it is about. */
final class SinkFixtures {

    static final long T0 = Instant.parse("2024-03-01T12:00:00Z").toEpochMilli();
    static final long MINUTE = 60_000L;

    private SinkFixtures() {}

    static JdbcSettings settings(TestDatabase db) {
        // small batches so a few records already take several flushes
        return new JdbcSettings(db.url(), db.user(), db.password(), 3, 50, 1);
    }

    static WindowAggregate aggregate(String seriesKey, long windowStart, int revision) {
        WindowAggregate a = new WindowAggregate();
        a.seriesKey = seriesKey;
        a.windowStart = windowStart;
        a.windowEnd = windowStart + MINUTE;
        a.count = 10L * revision;
        a.sum = 42.5 * revision;
        a.min = -1.25;
        a.max = 9.75;
        a.mean = 4.25;
        a.stddev = 0.5;
        a.firstEventTime = windowStart + 1;
        a.lastEventTime = windowStart + MINUTE - 1;
        a.p50 = 4.0;
        a.p95 = 8.5;
        a.p99 = 9.5;
        a.revision = revision;
        return a;
    }

    static AnomalyEvent opened(String seriesKey, long windowStart) {
        AnomalyEvent e = new AnomalyEvent();
        e.seriesKey = seriesKey;
        e.detector = "zscore";
        e.kind = AnomalyEvent.Kind.OPENED;
        e.openedWindowStart = windowStart;
        e.windowStart = windowStart;
        e.windowEnd = windowStart + MINUTE;
        e.score = 0.97;
        e.severity = Severity.CRITICAL;
        e.observed = 120.0;
        e.expectedLow = 10.0;
        e.expectedHigh = 30.0;
        e.message = "value 120 far above expected [10, 30]";
        return e;
    }

    /** The RESOLVED event of {@link #opened}, three windows later. */
    static AnomalyEvent resolved(String seriesKey, long openedWindowStart) {
        AnomalyEvent e = opened(seriesKey, openedWindowStart);
        e.kind = AnomalyEvent.Kind.RESOLVED;
        e.windowStart = openedWindowStart + 3 * MINUTE;
        e.windowEnd = openedWindowStart + 4 * MINUTE;
        e.score = 0.1;
        e.severity = Severity.INFO;
        e.observed = 20.0;
        e.message = "back to normal";
        return e;
    }

    static DeadLetter deadLetter(String topic, int partition, long offset, byte[] payload) {
        return new DeadLetter(
                topic,
                partition,
                offset,
                T0,
                payload,
                DeadLetter.ErrorCode.MALFORMED_JSON,
                "Unexpected character at 1:1");
    }

    static LateEvent lateEvent(String topic, int partition, long offset) {
        Event e = new Event("evt-" + offset, "host-1/cpu", T0, 0.75).withLineage(topic, partition, offset);
        e.source = "agent";
        e.unit = "ratio";
        e.attributes = Map.of("region", "eu-west-1", "rack", "r7");
        return new LateEvent(e, T0 + 5 * MINUTE);
    }
}
