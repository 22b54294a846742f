package io.streamwatch;

import static io.streamwatch.testing.DeterminismInput.SPIKE_MINUTE;
import static io.streamwatch.testing.DeterminismInput.SPIKE_SERIES;
import static io.streamwatch.testing.Events.MINUTE;
import static io.streamwatch.testing.Events.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamwatch.config.ConfigException;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.testing.DeterminismInput;
import io.streamwatch.testing.DeterminismInput.Planned;
import io.streamwatch.testing.Events;
import io.streamwatch.testing.TableContents;
import io.streamwatch.testkit.FlinkCluster;
import io.streamwatch.testkit.JobRestarts;
import io.streamwatch.testkit.KafkaExtension;
import io.streamwatch.testkit.PostgresExtension;
import io.streamwatch.testkit.TestDatabase;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replay of a range over the tables of the run it repeats leaves them as that run left them
 * (README, "Replays"). The topic holds an earlier deployment's records, then the determinism
 * test's input (out of order, late within and beyond the lateness, duplicates, invalid records, a
 * quiet partition, a spike that opens and resolves an anomaly). The original run starts at explicit
 * offsets past the earlier records and reads to the end, into a schema of its own; the replay starts
 * at the timestamp of the first record the original read and stops at explicit offsets where minute
 * {@link #STOP_MINUTE} begins: after the spike's anomaly opened and before it resolved, with windows
 * cut short whose late events come later. Every table must be equal row for row afterwards, though
 * the replay rewrote rows (their write time moved) and wrote a shorter version of others, which the
 * revision guards refused.
 */
class ReplayOverExistingTablesITCase {
    private static final int STOP_MINUTE = 30;
    private static final int EARLIER_RECORDS_PER_PARTITION = 5;

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.extension();

    @TempDir
    Path dirs;

    @Test
    void aReplayOfARangeLeavesTheTablesAsTheOriginalRunLeftThem() throws Exception {
        String topic = KAFKA.createTopic("replay", DeterminismInput.PARTITIONS);
        List<Planned> input = DeterminismInput.plan();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int p = 0; p < DeterminismInput.PARTITIONS; p++) {
            for (int i = 0; i < EARLIER_RECORDS_PER_PARTITION; i++) {
                long t = T0 - 60 * MINUTE + i;
                records.add(new ProducerRecord<>(topic, p, t, null, Events.jsonBytes("earlier-" + i, "earlier", t, 1)));
            }
        }
        input.forEach(planned -> records.add(planned.toRecord(topic)));
        List<Long> offsets = KAFKA.produceAll(records);
        Map<Integer, Long> firstOfInput = new TreeMap<>();
        Map<Integer, Long> stop = new TreeMap<>();
        for (int i = 0; i < input.size(); i++) {
            Planned planned = input.get(i);
            long offset = offsets.get(records.size() - input.size() + i);
            firstOfInput.putIfAbsent(planned.partition(), offset);
            if (planned.minute() >= STOP_MINUTE) stop.putIfAbsent(planned.partition(), offset);
        }

        TestDatabase db = POSTGRES.createDatabase("replay");
        db.execute("CREATE SCHEMA original");
        TestDatabase original = new TestDatabase(db.url() + "?currentSchema=original", db.user(), db.password());

        runToItsEnd(config(
                topic,
                original,
                "original",
                Map.of(
                        "source.kafka.starting-offsets", "offsets",
                        "source.kafka.starting-partition-offsets", partitionOffsets(topic, firstOfInput),
                        "source.kafka.stopping-offsets", "latest")));
        Map<String, List<Map<String, Object>>> left = TableContents.of(original);
        DeterminismInput.assertMatchesThePlan(left, input);
        assertThat(db.query("SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'"))
                .as("the run wrote into its own schema only")
                .containsExactly(Map.of("n", 0L));

        Instant replayStarted =
                (Instant) original.query("SELECT now() AS t").get(0).get("t");
        runToItsEnd(config(
                topic,
                original,
                "replay",
                Map.of(
                        "source.kafka.starting-offsets",
                        "timestamp",
                        "source.kafka.starting-timestamp",
                        Instant.ofEpochMilli(input.get(0).kafkaTimestamp()).toString(),
                        "source.kafka.stopping-offsets",
                        "offsets",
                        "source.kafka.stopping-partition-offsets",
                        partitionOffsets(topic, stop))));
        Map<String, List<Map<String, Object>>> afterReplay = TableContents.of(original);
        System.out.println("ReplayOverExistingTablesITCase: " + TableContents.sizes(afterReplay));
        TableContents.assertSame(left, afterReplay);

        // the replay did write: it rewrote the windows it read whole with the same values; the
        // windows it cut short (their late events come after the stop) lost to the guard
        List<String> cut = input.stream()
                .filter(p -> p.kind() == DeterminismInput.Kind.LATE_ACCEPTED && p.minute() >= STOP_MINUTE)
                .map(p -> p.eventId().replaceFirst("-late-(\\d+)$", "") + " "
                        + Instant.ofEpochMilli(
                                Math.floorDiv(Long.parseLong(p.eventId().replaceFirst(".*-late-", "")), MINUTE)
                                        * MINUTE))
                .filter(w -> Instant.parse(w.substring(w.indexOf(' ') + 1)).isBefore(at(STOP_MINUTE)))
                .sorted()
                .toList();
        assertThat(cut).as("windows the replay cuts short").isNotEmpty();
        List<Map<String, Object>> windows = original.query(
                "SELECT series_key || ' ' || to_char(window_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
                        + " AS w, updated_at >= ? AS rewritten FROM window_aggregates",
                Timestamp.from(replayStarted));
        Map<Boolean, List<String>> byRewritten = windows.stream()
                .collect(Collectors.partitioningBy(
                        r -> (Boolean) r.get("rewritten"),
                        Collectors.mapping(r -> (String) r.get("w"), Collectors.toList())));
        System.out.println(
                "ReplayOverExistingTablesITCase: " + byRewritten.get(true).size() + " window rows rewritten, "
                        + byRewritten.get(false).size() + " kept; cut short: " + cut);
        assertThat(byRewritten.get(true)).as("windows the replay rewrote").hasSizeGreaterThan(200);
        assertThat(byRewritten.get(false))
                .as("windows the replay cut short keep the original's row")
                .containsAll(cut);
        assertThat(byRewritten.get(true))
                .as("windows past the range")
                .allMatch(w -> Instant.parse(w.substring(w.indexOf(' ') + 1)).isBefore(at(STOP_MINUTE)));
        assertThat(original.query(
                        "SELECT status, updated_at >= ? AS rewritten FROM anomalies"
                                + " WHERE series_key = ? AND detector = 'ewma' AND opened_window_start = ?",
                        Timestamp.from(replayStarted),
                        "s" + SPIKE_SERIES,
                        Timestamp.from(at(SPIKE_MINUTE))))
                .as("the spike's anomaly: the replay wrote its opening, which did not reopen it")
                .containsExactly(Map.of("status", "RESOLVED", "rewritten", true));
    }

    @Test
    void offsetsTheBrokerCannotHonourAreRefusedAtStartWithWhatToFix() throws Exception {
        String topic = KAFKA.createTopic("offsets", 2);
        for (int i = 0; i < 10; i++) {
            KAFKA.produce(topic, 0, null, Events.jsonBytes("e" + i, "s", T0 + i, 1), T0 + i);
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            admin.deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(4)))
                    .all()
                    .get();
        }
        TestDatabase db = POSTGRES.createDatabase("offsets");
        StreamwatchConfig config = config(
                topic,
                db,
                "offsets",
                Map.of(
                        "source.kafka.starting-offsets",
                        "offsets",
                        "source.kafka.starting-partition-offsets",
                        topic + ":0=2," + topic + ":3=0",
                        "source.kafka.stopping-offsets",
                        "offsets",
                        "source.kafka.stopping-partition-offsets",
                        topic + ":0=11," + topic + ":1=0"));

        assertThatThrownBy(() -> StreamwatchJob.checkSourceOffsets(config))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .containsExactlyInAnyOrder(
                                "source.kafka.starting-partition-offsets: " + topic + ":3=0 names a partition " + topic
                                        + " does not have (" + topic + " has partitions 0-1)",
                                "source.kafka.starting-partition-offsets: no offset for " + topic + ":1; name every"
                                        + " partition of the topics read (" + topic + " has partitions 0-1)",
                                "source.kafka.starting-partition-offsets: " + topic + ":0=2 is before the partition's"
                                        + " first offset 4 (older records are deleted); use 4 or later",
                                "source.kafka.stopping-partition-offsets: " + topic + ":0=11 is past the partition's"
                                        + " end offset 10; use at most 10"));
    }

    private void runToItsEnd(StreamwatchConfig config) throws Exception {
        StreamwatchJob.checkSourceOffsets(config);
        StreamwatchJob.prepareDatabase(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironment.configure(env, config);
        env.setParallelism(2);
        StreamwatchJob.wire(env, config);
        JobClient job = env.executeAsync(config.jobName());
        job.getJobExecutionResult().get();
        JobRestarts.assertNone(FLINK, job.getJobID());
    }

    private static Instant at(int minute) {
        return Instant.ofEpochMilli(T0 + minute * MINUTE);
    }

    private static String partitionOffsets(String topic, Map<Integer, Long> byPartition) {
        return byPartition.entrySet().stream()
                .map(e -> topic + ":" + e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    private StreamwatchConfig config(String topic, TestDatabase db, String name, Map<String, String> range) {
        Map<String, Object> tree = Map.of(
                "detection",
                Map.of("detectors", List.of(Map.of("type", "ewma", "warmup", 24, "z-low", 8.0, "z-high", 16.0))));
        Map<String, String> overrides = new HashMap<>(DeterminismInput.settings());
        overrides.putAll(BoundedProductionJob.connection(KAFKA.bootstrapServers(), topic, db, dirs.resolve(name)));
        overrides.putAll(range);
        overrides.put("job.name", name);
        overrides.put("source.kafka.group-id", name + "-" + topic);
        overrides.put("checkpointing.interval", "500ms");
        return StreamwatchConfig.load(tree, overrides, BoundedProductionJob.environment(db));
    }
}
