package io.streamwatch;

import static io.streamwatch.testing.DeterminismInput.IDLENESS;
import static io.streamwatch.testing.DeterminismInput.SPIKE_MINUTE;
import static io.streamwatch.testing.DeterminismInput.SPIKE_SERIES;
import static io.streamwatch.testing.Events.MINUTE;
import static io.streamwatch.testing.Events.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.model.Ingested;
import io.streamwatch.pipeline.StreamwatchPipeline;
import io.streamwatch.source.KafkaIngest;
import io.streamwatch.testing.DeterminismInput;
import io.streamwatch.testing.DeterminismInput.Planned;
import io.streamwatch.testing.TableContents;
import io.streamwatch.testkit.Await;
import io.streamwatch.testkit.FailOnceSource;
import io.streamwatch.testkit.FlinkCluster;
import io.streamwatch.testkit.JobRestarts;
import io.streamwatch.testkit.KafkaExtension;
import io.streamwatch.testkit.PostgresExtension;
import io.streamwatch.testkit.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.RestoredCheckpointStats;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
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
 * comes back, is read five ways: live while it is written (the quiet partition is marked idle),
 * from the earliest offset at parallelism 1 by a reader slowed down to a record a millisecond with
 * an idleness of half a second, twice at full speed at parallelism 2 with a failure at a random
 * point after a checkpoint (one of them bounded, ending with the input), and by three versions of
 * the job at parallelism 2, 1 and 2, each started from the savepoint the one before stopped with
 * mid-topic; every unbounded run is stopped with a drain long after the last record, when every
 * split is idle. Every data column of every table must be equal across the runs, row for row, and
 * each unique event must be in exactly one of window_aggregates and late_events, by the rule a user
 * can apply by hand.
 *
 * <p>The slowed read and the upgrades are what wall-clock idleness failed. The slowed reader hands
 * out each fetch a partition at a time, a whole partition of this input taking about a second, and
 * the partitions waiting behind it were marked idle with all their records still to come (1,657 of
 * the 2,805 records went to late_events). A restored job's watermarks start from nothing with the
 * partitions at different offsets, and a start slower than the idleness had them all marked idle,
 * so the first partition delivered ran ahead (422 late events, 233 of 268 window rows). Partitions
 * now go idle only when their reader is caught up ({@code CaughtUpIdleness}).
 *
 * <p>The ewma detector warms up for 24 windows and series s4 spikes in minute 28. Each crashed run
 * restores a checkpoint from which s4's partition is read on at minute 7 or later (checked, from the
 * checkpoint the job restored and the offsets it held): a detector that started again from nothing
 * there would see at most 23 windows before the spike (the restored window state reaches two
 * minutes back) and still be warming up, so the spike's anomaly in every crashed run shows that
 * detector state was restored, not recomputed.
 */
class DeterministicResultsITCase {
    private static final long LIVE_MILLIS_PER_MINUTE = 600;
    private static final Duration DRAIN_AFTER_IDLE = IDLENESS.multipliedBy(3);
    /** Shorter than the slowed reader takes to hand out one partition's share of a fetch. */
    private static final Duration SHORT_IDLENESS = Duration.ofMillis(500);
    /** For {@link Reading#failAfter}: a reader slowed down as before a failure, that never fails. */
    private static final int NEVER = Integer.MAX_VALUE;

    private static final int EWMA_WARMUP = 24;
    /** Restored from here on, s4's partition leaves a fresh detector fewer than its warm-up windows before the spike. */
    private static final int RESTORED_AT_LEAST_MINUTE = SPIKE_MINUTE - EWMA_WARMUP + 3;

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

    /**
     * One way of reading the topic.
     *
     * @param live whether the job starts first and the topic is written while it runs, a minute of
     *     event time every {@link #LIVE_MILLIS_PER_MINUTE} ms (else the topic is already complete
     *     and read at full speed)
     * @param bounded whether the job reads to the offsets at its start and ends there (else it is
     *     stopped with a drain, {@link #DRAIN_AFTER_IDLE} after it read the last record)
     * @param failAfter records the failing reader emits before it fails (after a checkpoint), a
     *     millisecond each ({@link FailOnceSource}); 0: a reader at full speed, no failure; {@link #NEVER}:
     *     slowed down, no failure
     */
    private record Reading(
            String name, int parallelism, boolean live, boolean bounded, Duration idleness, int failAfter) {}

    @Test
    void everyWayOfReadingTheTopicWritesTheSameRows(@InjectMiniCluster MiniCluster cluster) throws Exception {
        String topic = KAFKA.createTopic("determinism", DeterminismInput.PARTITIONS);
        List<Planned> input = DeterminismInput.plan();
        long seed = Long.getLong("streamwatch.determinism.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.println("DeterministicResultsITCase seed " + seed + " (-Dstreamwatch.determinism.seed to repeat)");

        List<Reading> readings = List.of(
                new Reading("live p2, drained", 2, true, false, IDLENESS, 0),
                new Reading("slowed read p1, idleness 500 ms, drained", 1, false, false, SHORT_IDLENESS, NEVER),
                new Reading("full speed p2, failure, drained", 2, false, false, IDLENESS, 650 + random.nextInt(200)),
                new Reading("full speed p2, bounded, failure", 2, false, true, IDLENESS, 650 + random.nextInt(200)));
        Map<String, Map<String, List<Map<String, Object>>>> runs = new LinkedHashMap<>();
        for (int i = 0; i < readings.size(); i++) {
            runs.put(readings.get(i).name(), run(topic, input, "run" + i, readings.get(i), cluster));
        }
        runs.put("savepoint upgrades 2 -> 1 -> 2, idleness 500 ms", runUpgraded(topic, input, "upgraded", cluster));

        Map<String, List<Map<String, Object>>> reference =
                runs.values().iterator().next();
        DeterminismInput.assertMatchesThePlan(reference, input);
        // every run's rows first, so that a failure shows how each run went
        runs.forEach((name, tables) -> System.out.println("DeterministicResultsITCase " + name + ": "
                + TableContents.sizes(tables) + " " + tables.get("anomalies")));
        runs.values().forEach(tables -> TableContents.assertSame(reference, tables));
        assertThat(reference.get("anomalies"))
                .as("the spike's anomaly, which the crashed runs get only from restored detector state")
                .extracting(r -> r.get("series_key") + " " + r.get("detector") + " " + r.get("status") + " "
                        + (((Instant) r.get("opened_window_start")).toEpochMilli() - T0) / MINUTE)
                .contains("s" + SPIKE_SERIES + " ewma RESOLVED " + SPIKE_MINUTE);
    }

    private Map<String, List<Map<String, Object>>> run(
            String topic, List<Planned> input, String name, Reading reading, MiniCluster cluster) throws Exception {
        TestDatabase db = POSTGRES.createDatabase(name);
        StreamwatchConfig config = config(topic, db, name, reading.idleness());
        StreamwatchJob.prepareDatabase(config);
        KafkaSourceBuilder<Ingested> builder = KafkaIngest.builder(config.source(), config.contract());
        if (reading.bounded()) builder.setBounded(OffsetsInitializer.latest());
        Source<Ingested, ?, ?> source = builder.build();
        SharedReference<FailOnceSource.Trace> trace = shared.add(new FailOnceSource.Trace());
        if (reading.failAfter() > 0) source = new FailOnceSource<>(source, trace, reading.failAfter());
        JobClient job = start(config, reading.parallelism(), source, null, name);

        if (reading.live()) produce(topic, input, LIVE_MILLIS_PER_MINUTE);
        if (reading.bounded()) {
            job.getJobExecutionResult().get();
        } else {
            drainOnceAllRead(job, db, input, name);
        }
        if (reading.failAfter() > 0 && reading.failAfter() < NEVER) {
            assertThat(trace.get().failed())
                    .as(reading.name() + ": the failure was injected")
                    .isTrue();
            assertRestoredFarIntoTheData(reading, input, trace.get(), cluster, job);
        } else {
            JobRestarts.assertNone(FLINK, job.getJobID());
        }
        return TableContents.of(db);
    }

    /**
     * The topic read by three versions of the job, each started from the savepoint the one before
     * stopped with, at parallelism 2, 1 and 2, with an idleness of half a second. The first two read
     * slowed down and stop a third and two thirds of the way through the topic, with the partitions
     * at different minutes (the first partition a fetch brought is read to its end before the next);
     * the last one drains.
     */
    private Map<String, List<Map<String, Object>>> runUpgraded(
            String topic, List<Planned> input, String name, MiniCluster cluster) throws Exception {
        TestDatabase db = POSTGRES.createDatabase(name);
        StreamwatchConfig config = config(topic, db, name, SHORT_IDLENESS);
        StreamwatchJob.prepareDatabase(config);
        int[] parallelism = {2, 1, 2};
        String savepoint = null;
        for (int version = 0; version < parallelism.length; version++) {
            boolean last = version == parallelism.length - 1;
            Source<Ingested, ?, ?> source =
                    KafkaIngest.builder(config.source(), config.contract()).build();
            if (!last) source = new FailOnceSource<>(source, shared.add(new FailOnceSource.Trace()), NEVER);
            String restoring = savepoint;
            JobClient job = start(config, parallelism[version], source, restoring, name + "-" + version);
            if (last) {
                drainOnceAllRead(job, db, input, name);
            } else {
                long stopAt = input.size() * (version + 1L) / parallelism.length;
                Await.until(
                        name + ": " + stopAt + " records counted in the ledger",
                        Duration.ofSeconds(90),
                        () -> recordsRead(db) >= stopAt,
                        () -> recordsRead(db) + " of " + stopAt);
                String stoppedWith = job.stopWithSavepoint(
                                false,
                                dirs.resolve(name + "-savepoints").toUri().toString(),
                                SavepointFormatType.CANONICAL)
                        .get();
                job.getJobExecutionResult().get();
                System.out.println("DeterministicResultsITCase " + name + ": version " + version + " at parallelism "
                        + parallelism[version] + " stopped with " + recordsRead(db) + " records counted");
                savepoint = stoppedWith;
            }
            if (restoring != null) {
                assertThat(restoredCheckpoint(cluster, job).getExternalPath())
                        .as(name + ": version " + version + " restored the savepoint")
                        .isEqualTo(restoring);
            }
            JobRestarts.assertNone(FLINK, job.getJobID());
        }
        return TableContents.of(db);
    }

    /** Starts the pipeline on {@code source}, from a savepoint if one is given. */
    private static JobClient start(
            StreamwatchConfig config, int parallelism, Source<Ingested, ?, ?> source, String savepoint, String name)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironment.configure(env, config);
        env.setParallelism(parallelism);
        if (savepoint != null) {
            env.configure(Configuration.fromMap(Map.of(StateRecoveryOptions.SAVEPOINT_PATH.key(), savepoint)));
        }
        StreamwatchPipeline.define(
                env, source, config, StreamwatchJob.productionEnds(config.jdbc().settings()));
        return env.executeAsync(name);
    }

    /** Waits until the job has read every record, then a while longer for every split to go idle, and drains it. */
    private void drainOnceAllRead(JobClient job, TestDatabase db, List<Planned> input, String name) throws Exception {
        Await.until(
                name + ": every record counted in the ledger",
                Duration.ofSeconds(90),
                () -> recordsRead(db) == input.size(),
                () -> recordsRead(db) + " of " + input.size());
        Thread.sleep(DRAIN_AFTER_IDLE.toMillis());
        job.stopWithSavepoint(true, dirs.resolve(name + "-savepoint").toUri().toString(), SavepointFormatType.CANONICAL)
                .get();
        job.getJobExecutionResult().get();
    }

    private static RestoredCheckpointStats restoredCheckpoint(MiniCluster cluster, JobClient job) throws Exception {
        return cluster.getExecutionGraph(job.getJobID())
                .get()
                .getCheckpointStatsSnapshot()
                .getLatestRestoredCheckpoint();
    }

    /** The checkpoint the job restored, and where it had the spike series' partition: far enough in. */
    private static void assertRestoredFarIntoTheData(
            Reading reading, List<Planned> input, FailOnceSource.Trace trace, MiniCluster cluster, JobClient job)
            throws Exception {
        RestoredCheckpointStats restored = restoredCheckpoint(cluster, job);
        assertThat(restored).as(reading.name() + ": a restored checkpoint").isNotNull();
        Map<Integer, Integer> minuteByPartition = new TreeMap<>();
        for (SourceSplit split : trace.splitsAt(restored.getCheckpointId())) {
            KafkaPartitionSplit kafka = (KafkaPartitionSplit) split;
            minuteByPartition.put(
                    kafka.getPartition(),
                    DeterminismInput.minuteAt(input, kafka.getPartition(), kafka.getStartingOffset()));
        }
        System.out.println("DeterministicResultsITCase " + reading.name() + ": restored checkpoint "
                + restored.getCheckpointId() + ", partitions read on from minute " + minuteByPartition);
        assertThat(minuteByPartition)
                .as(reading.name() + ": minute each partition is read on from, in checkpoint "
                        + restored.getCheckpointId())
                .containsKey(SPIKE_SERIES % DeterminismInput.PARTITIONS);
        assertThat(minuteByPartition.get(SPIKE_SERIES % DeterminismInput.PARTITIONS))
                .as(reading.name() + ": restored far enough into the spike series' partition that a fresh detector"
                        + " would still warm up at the spike")
                .isGreaterThanOrEqualTo(RESTORED_AT_LEAST_MINUTE);
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

    private StreamwatchConfig config(String topic, TestDatabase db, String name, Duration idleness) {
        Map<String, Object> tree = Map.of(
                "detection",
                Map.of("detectors", List.of(Map.of("type", "ewma", "warmup", 24, "z-low", 8.0, "z-high", 16.0))));
        Map<String, String> overrides = new HashMap<>(DeterminismInput.settings());
        overrides.putAll(Map.ofEntries(
                Map.entry("source.kafka.bootstrap-servers", KAFKA.bootstrapServers()),
                Map.entry("source.kafka.topics", topic),
                Map.entry("source.kafka.group-id", name + "-" + topic),
                Map.entry("source.kafka.starting-offsets", "earliest"),
                Map.entry("sink.jdbc.url", db.url()),
                Map.entry("sink.jdbc.user", db.user()),
                Map.entry("watermarks.idleness", idleness.toMillis() + "ms"),
                Map.entry("checkpointing.dir", dirs.resolve(name).toUri().toString()),
                Map.entry("checkpointing.interval", "200ms"),
                Map.entry("checkpointing.min-pause", "0s"),
                Map.entry("restart.initial-backoff", "100ms"),
                // after the injected failure Kafka's split fetcher does not stop by itself
                Map.entry("source.kafka.properties.source.reader.close.timeout", "1000")));
        return StreamwatchConfig.load(tree, overrides, Map.of());
    }
}
