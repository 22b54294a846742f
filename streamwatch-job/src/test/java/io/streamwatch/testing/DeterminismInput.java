package io.streamwatch.testing;

import static io.streamwatch.testing.Events.MINUTE;
import static io.streamwatch.testing.Events.SECOND;
import static io.streamwatch.testing.Events.T0;
import static io.streamwatch.testing.Events.jsonBytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A topic whose rows must not depend on how it is read (README, "What is deterministic"): three
 * partitions, out of order, events late within and beyond the allowed lateness, duplicates,
 * invalid records, and a partition that goes quiet for seven minutes of event time and comes back.
 * Each record knows what the rule makes of it, so a test checks the tables against the rule
 * applied by hand, not only against another run.
 */
public final class DeterminismInput {
    public static final int PARTITIONS = 3;
    public static final int SERIES = 9;
    public static final int MINUTES = 32;
    public static final int QUIET_PARTITION = 2;
    public static final int QUIET_FROM = 10;
    public static final int QUIET_UNTIL = 17;
    public static final int SPIKE_SERIES = 4;
    public static final int SPIKE_MINUTE = 28;
    /**
     * Short enough that a partition quiet for seven minutes of event time is marked idle when the
     * topic is written live (a minute every 600 ms).
     */
    public static final Duration IDLENESS = Duration.ofSeconds(3);

    private DeterminismInput() {}

    /** What the generator meant a record to be. */
    public enum Kind {
        ON_TIME,
        LATE_ACCEPTED,
        LATE_DROPPED,
        DUPLICATE,
        INVALID
    }

    /** A record of the input, with the minute of event time it is written in. */
    public record Planned(int partition, int minute, String eventId, byte[] payload, long kafkaTimestamp, Kind kind) {
        public ProducerRecord<byte[], byte[]> toRecord(String topic) {
            return new ProducerRecord<>(topic, partition, kafkaTimestamp, null, payload);
        }
    }

    /**
     * The settings the kinds are stated against, as job arguments take them: 10 s out-of-orderness,
     * one-minute windows and allowed lateness, {@link #IDLENESS}. Kafka's fetches keep their default
     * size: a whole partition of this input in one fetch, handed out before the next partition's.
     */
    public static Map<String, String> settings() {
        return Map.of(
                "watermarks.max-out-of-orderness", "10s",
                "watermarks.idleness", IDLENESS.toMillis() + "ms",
                "aggregation.size", "1min",
                "aggregation.allowed-lateness", "1min");
    }

    /**
     * Series s lives in partition s % 3 (as with a producer keyed by series); ten events a minute
     * per series, each swapped with its neighbour (6 s out of order, within the 10 s allowed).
     * Per series and minute, by (minute + series): one event from the previous minute (late, within
     * the one minute of allowed lateness), one from three minutes back (beyond it), a duplicate.
     * Partition 2 sends nothing in minutes 10 to 16, then carries on with the present.
     */
    public static List<Planned> plan() {
        List<Planned> planned = new ArrayList<>();
        for (int m = 0; m < MINUTES; m++) {
            for (int p = 0; p < PARTITIONS; p++) {
                if (p == QUIET_PARTITION && m >= QUIET_FROM && m < QUIET_UNTIL) continue;
                long arrival = T0 + m * MINUTE + 59 * SECOND;
                for (int i = 0; i < 10; i++) {
                    int slot = i ^ 1; // 1, 0, 3, 2, ...
                    for (int s = p; s < SERIES; s += PARTITIONS) {
                        long t = T0 + m * MINUTE + slot * 6 * SECOND;
                        planned.add(
                                event(p, m, "s" + s + "-" + t, "s" + s, t, value(s, m, slot), arrival, Kind.ON_TIME));
                    }
                }
                for (int s = p; s < SERIES; s += PARTITIONS) {
                    if (m >= 1 && (m + s) % 5 == 2) {
                        long t = T0 + (m - 1) * MINUTE + 30 * SECOND + 1;
                        planned.add(
                                event(p, m, "s" + s + "-late-" + t, "s" + s, t, 50 + s, arrival, Kind.LATE_ACCEPTED));
                    }
                    if (m >= 3 && (m + s) % 7 == 4) {
                        long t = T0 + (m - 3) * MINUTE + 15 * SECOND + 1;
                        planned.add(
                                event(p, m, "s" + s + "-late-" + t, "s" + s, t, 50 + s, arrival, Kind.LATE_DROPPED));
                    }
                    if ((m + s) % 6 == 1) {
                        long t = T0 + m * MINUTE + 9 * 6 * SECOND;
                        planned.add(
                                event(p, m, "s" + s + "-" + t, "s" + s, t, value(s, m, 9), arrival, Kind.DUPLICATE));
                    }
                }
                if ((m == 3 || m == 20) && p == m % PARTITIONS) {
                    byte[] broken = "{\"event_id\":".getBytes(StandardCharsets.UTF_8);
                    planned.add(new Planned(p, m, null, broken, arrival, Kind.INVALID));
                }
            }
        }
        return planned;
    }

    /** About 50 + s, a window's mean within half a unit of it; the spike far beyond. */
    private static double value(int series, int minute, int slot) {
        if (series == SPIKE_SERIES && minute == SPIKE_MINUTE) return 500;
        return 50 + series + (series * 31 + minute * 17 + slot * 7) % 11 - 5;
    }

    private static Planned event(
            int partition, int minute, String id, String series, long t, double value, long arrival, Kind kind) {
        return new Planned(partition, minute, id, jsonBytes(id, series, t, value), arrival, kind);
    }

    /**
     * The minute a partition's record at {@code offset} is written in (offsets count each partition's
     * records in the order of the plan), or {@link #MINUTES} at the partition's end.
     */
    public static int minuteAt(List<Planned> input, int partition, long offset) {
        long seen = 0;
        for (Planned p : input) {
            if (p.partition() != partition) continue;
            if (seen++ == offset) return p.minute();
        }
        return MINUTES;
    }

    public static long count(List<Planned> input, Kind kind) {
        return input.stream().filter(p -> p.kind() == kind).count();
    }

    /** The tables ({@link TableContents#of}) hold exactly what the plan says: the rule applied by hand. */
    public static void assertMatchesThePlan(Map<String, List<Map<String, Object>>> tables, List<Planned> input) {
        Set<String> expectedLate = new TreeSet<>();
        input.stream().filter(p -> p.kind() == Kind.LATE_DROPPED).forEach(p -> expectedLate.add(p.eventId()));
        Set<String> late = new TreeSet<>();
        tables.get("late_events").forEach(r -> late.add((String) r.get("event_id")));
        assertThat(late).as("late events").isEqualTo(expectedLate);
        long inWindows = count(input, Kind.ON_TIME) + count(input, Kind.LATE_ACCEPTED);
        long windowed = tables.get("window_aggregates").stream()
                .mapToLong(r -> ((Number) r.get("count")).longValue())
                .sum();
        assertThat(windowed).as("events in windows").isEqualTo(inWindows);

        Map<String, Object> totals = tables.get("ingest_ledger totals").get(0);
        assertThat(totals.get("read")).isEqualTo(BigDecimal.valueOf(input.size()));
        assertThat(totals.get("duplicates")).isEqualTo(BigDecimal.valueOf(count(input, Kind.DUPLICATE)));
        assertThat(totals.get("invalid")).isEqualTo(BigDecimal.valueOf(count(input, Kind.INVALID)));
        assertThat(totals.get("late_accepted")).isEqualTo(BigDecimal.valueOf(count(input, Kind.LATE_ACCEPTED)));
        assertThat(tables.get("dead_letters")).hasSize((int) count(input, Kind.INVALID));
    }
}
