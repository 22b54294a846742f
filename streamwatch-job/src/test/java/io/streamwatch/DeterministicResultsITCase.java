package io.streamwatch;

import static io.streamwatch.testing.Events.MINUTE;
import static io.streamwatch.testing.Events.SECOND;
import static io.streamwatch.testing.Events.T0;
import static io.streamwatch.testing.Events.jsonBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.model.Ingested;
import io.streamwatch.pipeline.StreamwatchPipeline;
import io.streamwatch.source.KafkaIngest;
import io.streamwatch.testing.TableContents;
import io.streamwatch.testkit.Await;
import io.streamwatch.testkit.FailOnceSource;
import io.streamwatch.testkit.FlinkCluster;
import io.streamwatch.testkit.JobRestarts;
import io.streamwatch.testkit.KafkaExtension;
import io.streamwatch.testkit.PostgresExtension;
import io.streamwatch.testkit.TestDatabase;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.testutils.junit.SharedObjectsExtension;
import org.apache.flink.testutils.junit.SharedReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database is a function of the topic alone (README, "What is deterministic"). One topic of
 * three partitions, out of order, with events late within and beyond the allowed lateness,
 * duplicates, invalid records and a partition that goes quiet for seven minutes of event time and
 * comes back, is read four ways: live while it is written (the quiet partition is marked idle),
 * from the earliest offset at full speed at parallelism 1, twice at parallelism 2 with a failure at a random point
 * after a checkpoint (one of them bounded, ending with the input), and every unbounded run stopped
 * with a drain long after the last record, when every split is idle. Every data column of every
 * table must be equal across the runs, row for row, and each unique event must be in exactly one
 * of window_aggregates and late_events, by the rule a user can apply by hand.
 *
 * <p>The ewma detector warms up for 24 windows and series s4 spikes in minute 28. The failures
 * come after some ten minutes of event time on the reader that fails: a detector that started
 * again from nothing after the restore would still be warming up at the spike, so the anomaly in
 * every crashed run shows that detector state was restored, not recomputed.
 */
class DeterministicResultsITCase {
    private static final int PARTITIONS = 3;
    private static final int SERIES = 9;
    private static final int MINUTES = 32;
    private static final int QUIET_PARTITION = 2;
    private static final int QUIET_FROM = 10;
    private static final int QUIET_UNTIL = 17;
    private static final int SPIKE_SERIES = 4;
    private static final int SPIKE_MINUTE = 28;
    /**
     * Long enough that a quiet partition is marked idle in the live run (seven minutes of event
     * time at {@link #LIVE_MILLIS_PER_MINUTE}), short enough that a full-speed read never leaves a
     * partition with a backlog unread for as long (the one case the rule does not cover).
     */
    private static final Duration IDLENESS = Duration.ofSeconds(3);

    private static final long LIVE_MILLIS_PER_MINUTE = 600;
    private static final Duration DRAIN_AFTER_IDLE = IDLENESS.multipliedBy(3);

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.extension();

    @RegisterExtension
    final SharedObjectsExtension shared = SharedObjectsExtension.create();

    @TempDir
    Path dirs;

    /** A record of the input, with what the generator meant it to be. */
    enum Kind {
        ON_TIME,
        LATE_ACCEPTED,
        LATE_DROPPED,
        DUPLICATE,
        INVALID
    }

    record Planned(int partition, int minute, String eventId, byte[] payload, long kafkaTimestamp, Kind kind) {}

    @Test
    void everyWayOfReadingTheTopicWritesTheSameRows() throws Exception {
        String topic = KAFKA.createTopic("determinism", PARTITIONS);
        List<Planned> input = plan();
        long seed = Long.getLong("streamwatch.determinism.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.println("DeterministicResultsITCase seed " + seed + " (-Dstreamwatch.determinism.seed to repeat)");

        Map<String, Map<String, List<Map<String, Object>>>> runs = new LinkedHashMap<>();
        runs.put("live p2, drained", run(topic, input, "live", 2, true, false, -1));
        runs.put("full speed p1, drained", run(topic, input, "replay", 1, false, false, -1));
        int first = 650 + random.nextInt(200);
        SharedReference<AtomicBoolean> crashed1 = shared.add(new AtomicBoolean());
        runs.put(
                "full speed p2, failure after " + first + " records, drained",
                run(topic, input, "crash1", 2, false, false, first, crashed1));
        int second = 650 + random.nextInt(200);
        SharedReference<AtomicBoolean> crashed2 = shared.add(new AtomicBoolean());
        runs.put(
                "full speed p2, bounded, failure after " + second + " records",
                run(topic, input, "crash2", 2, false, true, second, crashed2));
        assertThat(crashed1.get()).as("the first failure was injected").isTrue();
        assertThat(crashed2.get()).as("the second failure was injected").isTrue();

        Map<String, List<Map<String, Object>>> reference =
                runs.values().iterator().next();
        assertMatchesThePlan(reference, input);
        runs.forEach((name, tables) -> {
            System.out.println("DeterministicResultsITCase " + name + ": " + TableContents.sizes(tables));
            TableContents.assertSame(reference, tables);
        });
    }

    /** What the plan says must be there: the rule applied by hand, not by the job. */
    private static void assertMatchesThePlan(Map<String, List<Map<String, Object>>> tables, List<Planned> input) {
        long inWindows = count(input, Kind.ON_TIME) + count(input, Kind.LATE_ACCEPTED);
        long windowed = tables.get("window_aggregates").stream()
                .mapToLong(r -> ((Number) r.get("count")).longValue())
                .sum();
        assertThat(windowed).as("events in windows").isEqualTo(inWindows);
        Set<String> expectedLate = new TreeSet<>();
        input.stream().filter(p -> p.kind() == Kind.LATE_DROPPED).forEach(p -> expectedLate.add(p.eventId()));
        Set<String> late = new TreeSet<>();
        tables.get("late_events").forEach(r -> late.add((String) r.get("event_id")));
        assertThat(late).as("late events").isEqualTo(expectedLate);

        Map<String, Object> totals = tables.get("ingest_ledger totals").get(0);
        assertThat(totals.get("read")).isEqualTo(BigDecimal.valueOf(input.size()));
        assertThat(totals.get("duplicates")).isEqualTo(BigDecimal.valueOf(count(input, Kind.DUPLICATE)));
        assertThat(totals.get("invalid")).isEqualTo(BigDecimal.valueOf(count(input, Kind.INVALID)));
        assertThat(totals.get("late_accepted")).isEqualTo(BigDecimal.valueOf(count(input, Kind.LATE_ACCEPTED)));
        assertThat(tables.get("dead_letters")).hasSize((int) count(input, Kind.INVALID));

        assertThat(tables.get("anomalies"))
                .extracting(r -> r.get("series_key") + " " + r.get("detector") + " " + r.get("status") + " "
                        + (((Instant) r.get("opened_window_start")).toEpochMilli() - T0) / MINUTE)
                .contains("s" + SPIKE_SERIES + " ewma RESOLVED " + SPIKE_MINUTE);
    }

    private static long count(List<Planned> input, Kind kind) {
        return input.stream().filter(p -> p.kind() == kind).count();
    }

    /**
     * Series s lives in partition s % 3 (as with a producer keyed by series); ten events a minute
     * per series, each swapped with its neighbour (6 s out of order, within the 10 s allowed).
     * Per series and minute, by (minute + series): one event from the previous minute (late, within
     * the one minute of allowed lateness), one from three minutes back (beyond it), a duplicate.
     * Partition 2 sends nothing in minutes 10 to 16, then carries on with the present.
     */
    private static List<Planned> plan() {
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

    private Map<String, List<Map<String, Object>>> run(
            String topic,
            List<Planned> input,
            String name,
            int parallelism,
            boolean live,
            boolean bounded,
            int failAfter)
            throws Exception {
        return run(topic, input, name, parallelism, live, bounded, failAfter, null);
    }

    /**
     * @param live whether the job starts first and the topic is written while it runs, a minute of
     *     event time every {@link #LIVE_MILLIS_PER_MINUTE} ms (else the topic is already complete
     *     and read at full speed)
     * @param bounded whether the job reads to the offsets at its start and ends there (else it is
     *     stopped with a drain, {@link #DRAIN_AFTER_IDLE} after it read the last record)
     */
    private Map<String, List<Map<String, Object>>> run(
            String topic,
            List<Planned> input,
            String name,
            int parallelism,
            boolean live,
            boolean bounded,
            int failAfter,
            SharedReference<AtomicBoolean> failed)
            throws Exception {
        TestDatabase db = POSTGRES.createDatabase(name);
        StreamwatchConfig config = config(topic, db, name);
        StreamwatchJob.prepareDatabase(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironment.configure(env, config);
        env.setParallelism(parallelism);
        KafkaSourceBuilder<Ingested> builder = KafkaIngest.builder(config.source(), config.contract());
        if (bounded) builder.setBounded(OffsetsInitializer.latest());
        Source<Ingested, ?, ?> source = builder.build();
        if (failed != null) source = new FailOnceSource<>(source, failed, failAfter);
        StreamwatchPipeline.define(
                env, source, config, StreamwatchJob.productionEnds(config.jdbc().settings()));
        JobClient job = env.executeAsync(name);

        if (live) produce(topic, input, LIVE_MILLIS_PER_MINUTE);
        if (bounded) {
            job.getJobExecutionResult().get();
        } else {
            Await.until(
                    name + ": every record counted in the ledger",
                    Duration.ofSeconds(90),
                    () -> recordsRead(db) == input.size(),
                    () -> recordsRead(db) + " of " + input.size());
            Thread.sleep(DRAIN_AFTER_IDLE.toMillis());
            job.stopWithSavepoint(
                            true, dirs.resolve(name + "-savepoint").toUri().toString(), SavepointFormatType.CANONICAL)
                    .get();
            job.getJobExecutionResult().get();
        }
        if (failed == null) JobRestarts.assertNone(FLINK, job.getJobID());
        return TableContents.of(db);
    }

    private static long recordsRead(TestDatabase db) {
        Object n = db.query("SELECT coalesce(sum(records_read), 0) AS n FROM ingest_ledger")
                .get(0)
                .get("n");
        return ((Number) n).longValue();
    }

    /** Writes the input minute by minute, every partition's records of a minute in order. */
    private static void produce(String topic, List<Planned> input, long millisPerMinute) throws InterruptedException {
        int minute = -1;
        for (Planned p : input) {
            if (p.minute() != minute) {
                if (minute >= 0) Thread.sleep(millisPerMinute);
                minute = p.minute();
            }
            KAFKA.produce(topic, p.partition(), null, p.payload(), p.kafkaTimestamp());
        }
    }

    private StreamwatchConfig config(String topic, TestDatabase db, String name) {
        Map<String, Object> tree = Map.of(
                "detection",
                Map.of("detectors", List.of(Map.of("type", "ewma", "warmup", 24, "z-low", 8.0, "z-high", 16.0))));
        return StreamwatchConfig.load(
                tree,
                Map.ofEntries(
                        Map.entry("source.kafka.bootstrap-servers", KAFKA.bootstrapServers()),
                        Map.entry("source.kafka.topics", topic),
                        Map.entry("source.kafka.group-id", name + "-" + topic),
                        Map.entry("source.kafka.starting-offsets", "earliest"),
                        Map.entry("sink.jdbc.url", db.url()),
                        Map.entry("sink.jdbc.user", db.user()),
                        Map.entry("watermarks.max-out-of-orderness", "10s"),
                        Map.entry("watermarks.idleness", IDLENESS.toMillis() + "ms"),
                        Map.entry("aggregation.allowed-lateness", "1min"),
                        Map.entry(
                                "checkpointing.dir", dirs.resolve(name).toUri().toString()),
                        Map.entry("checkpointing.interval", "200ms"),
                        Map.entry("checkpointing.min-pause", "0s"),
                        Map.entry("restart.initial-backoff", "100ms"),
                        // after the injected failure Kafka's split fetcher does not stop by itself
                        Map.entry("source.kafka.properties.source.reader.close.timeout", "1000"),
                        // the reader hands out a fetch one partition at a time; the failing source is slowed
                        // down, so with whole partitions in one fetch the others would wait past the idleness
                        Map.entry("source.kafka.properties.max.partition.fetch.bytes", "4096")),
                Map.of());
    }
}
