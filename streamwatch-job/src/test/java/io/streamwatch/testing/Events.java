package io.streamwatch.testing;

import io.streamwatch.model.DeadLetter;
import io.streamwatch.model.Event;
import io.streamwatch.model.Ingested;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;

/** Fixed instants and builders for test events, as JSON records and as parsed ones. */
public final class Events {
    /** A fixed, minute-aligned start for event times in tests. */
    public static final long T0 = Instant.parse("2024-05-01T00:00:00Z").toEpochMilli();

    public static final long SECOND = 1_000L;
    public static final long MINUTE = 60_000L;

    private Events() {}

    public static String json(String eventId, String seriesKey, long eventTime, double value) {
        return String.format(
                Locale.ROOT,
                "{\"event_id\":\"%s\",\"series_key\":\"%s\",\"event_time\":\"%s\",\"value\":%s}",
                eventId,
                seriesKey,
                Instant.ofEpochMilli(eventTime),
                value);
    }

    public static byte[] jsonBytes(String eventId, String seriesKey, long eventTime, double value) {
        return json(eventId, seriesKey, eventTime, value).getBytes(StandardCharsets.UTF_8);
    }

    public static Ingested valid(String eventId, String seriesKey, long eventTime, double value, long offset) {
        return Ingested.valid(new Event(eventId, seriesKey, eventTime, value).withLineage("test", 0, offset));
    }

    public static Ingested invalid(DeadLetter.ErrorCode code, String payload, long offset) {
        return Ingested.invalid(
                new DeadLetter("test", 0, offset, T0, payload.getBytes(StandardCharsets.UTF_8), code, "test: " + code));
    }
}
