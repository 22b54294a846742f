package io.streamwatch;

import static io.streamwatch.testing.Events.MINUTE;
import static io.streamwatch.testing.Events.SECOND;
import static io.streamwatch.testing.Events.T0;
import static io.streamwatch.testing.Events.jsonBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.testkit.Await;
import io.streamwatch.testkit.FlinkCluster;
import io.streamwatch.testkit.JobRestarts;
import io.streamwatch.testkit.KafkaExtension;
import io.streamwatch.testkit.PostgresExtension;
import io.streamwatch.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production wiring ({@link StreamwatchJob#wire}) against a real Kafka broker and a real
 * PostgreSQL, on a MiniCluster with RocksDB and exactly-once checkpoints.
 */
class StreamwatchEndToEndITCase {
    private static final Duration WAIT = Duration.ofSeconds(40);

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.extension();

    @TempDir
    Path checkpoints;

    private JobClient job;

    @AfterEach
    void cancel() throws Exception {
        if (job == null) return;
        try {
            JobRestarts.assertNone(FLINK, job.getJobID());
        } finally {
            job.cancel().get();
        }
    }

    private StreamwatchConfig config(String topic, TestDatabase db, Map<String, String> extra) {
        Map<String, String> overrides = new HashMap<>(Map.of(
                "source.kafka.bootstrap-servers",
                KAFKA.bootstrapServers(),
                "source.kafka.topics",
                topic,
                "source.kafka.group-id",
                topic,
                "source.kafka.starting-offsets",
                "earliest",
                "sink.jdbc.url",
                db.url(),
                "sink.jdbc.user",
                db.user(),
                "sink.jdbc.password-env",
                "TEST_DB_PASSWORD",
                "checkpointing.dir",
                checkpoints.toUri().toString(),
                "checkpointing.interval",
                "500ms"));
        overrides.put("sink.jdbc.batch-interval", "100ms");
        overrides.put("watermarks.idleness", "1s");
        overrides.putAll(extra);
        Map<String, Object> tree = Map.of(
                "detection",
                Map.of(
                        "resolve-after",
                        1,
                        "missing-after-windows",
                        2,
                        "detectors",
                        List.of(Map.of("type", "threshold", "upper", 100, "margin", 100))));
        return StreamwatchConfig.load(
                tree, overrides, Map.of("TEST_DB_PASSWORD", db.password() == null ? "" : db.password()));
    }

    private JobClient start(StreamwatchConfig config) throws Exception {
        StreamwatchJob.prepareDatabase(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironment.configure(env, config);
        env.setParallelism(2);
        StreamwatchJob.wire(env, config);
        return env.executeAsync(config.jobName());
    }

    /** Events of one series: one every 6 s (ten a minute) over the given minutes. */
    private static List<long[]> times(int fromMinute, int toMinuteExclusive) {
        List<long[]> out = new ArrayList<>();
        for (int m = fromMinute; m < toMinuteExclusive; m++) {
            // each minute's events in reverse order: out of order by up to 54 s, but never late,
            // since a window closes only once the next minute's events arrive
            for (int i = 9; i >= 0; i--) out.add(new long[] {T0 + m * MINUTE + i * 6 * SECOND});
        }
        return out;
    }

    private record Sent(String series, long time, double value) {}

    @Test
    void twoPartitionsOutOfOrderDuplicatesLateInvalidAndAnIdlePartition() throws Exception {
        String topic = KAFKA.createTopic("e2e", 2);
        TestDatabase db = POSTGRES.createDatabase("e2e");
        List<Sent> accepted = new ArrayList<>();
        Map<Long, String> expectedDeadLetters = new TreeMap<>(); // partition-0 offset -> error code

        // phase 1: minutes 0-4 on both partitions; partition 1 carries only series s1 and then goes quiet
        for (long[] t : times(0, 5)) {
            send(topic, 1, "s1", t[0], 10, accepted);
        }
        for (long[] t : times(0, 5)) {
            send(topic, 0, "s0", t[0], 20, accepted);
            send(topic, 0, "s2", t[0], 30, accepted);
        }
        // started once both partitions hold data: a job reading one partition alone at first would see
        // the other idle (1 s) and let its watermark run ahead, which depends on timing, not on the topic
        job = start(config(topic, db, Map.of("contract.max-record-bytes", "10000")));
        // duplicates: the same ids again, one of s1's through the other partition; that one from a window
        // still open by partition 0's watermark: were it late there, which copy counts would depend on
        // which partition is read first (README, "What is deterministic")
        KAFKA.produce(topic, 0, null, jsonBytes(id("s0", T0 + 2 * MINUTE), "s0", T0 + 2 * MINUTE, 20), T0);
        KAFKA.produce(topic, 0, null, jsonBytes(id("s1", T0 + 4 * MINUTE), "s1", T0 + 4 * MINUTE, 10), T0);
        // invalid records, each a dead letter at its own offset
        expectedDeadLetters.put(
                KAFKA.produce(topic, 0, null, "{not json".getBytes(StandardCharsets.UTF_8), T0), "MALFORMED_JSON");
        expectedDeadLetters.put(KAFKA.produce(topic, 0, null, null, T0), "EMPTY_PAYLOAD");
        expectedDeadLetters.put(KAFKA.produce(topic, 0, null, new byte[20_000], T0), "PAYLOAD_TOO_LARGE");
        expectedDeadLetters.put(
                KAFKA.produce(
                        topic,
                        0,
                        null,
                        "{\"event_id\":\"x\",\"series_key\":\"s0\",\"event_time\":1714521600000,\"value\":\"high\"}"
                                .getBytes(StandardCharsets.UTF_8),
                        T0),
                "WRONG_TYPE");
        expectedDeadLetters.put(
                KAFKA.produce(
                        topic,
                        0,
                        null,
                        jsonBytes(
                                "future",
                                "s0",
                                Instant.now().plus(Duration.ofDays(1)).toEpochMilli(),
                                1),
                        T0),
                "EVENT_TIME_IN_FUTURE");

        // phase 2: minutes 5-9 on partition 0 only; s2 spikes in minute 7
        for (long[] t : times(5, 10)) {
            send(topic, 0, "s0", t[0], 20, accepted);
            send(topic, 0, "s2", t[0], t[0] >= T0 + 7 * MINUTE && t[0] < T0 + 8 * MINUTE ? 1_000 : 30, accepted);
        }
        // windows after minute 4 can close only if the quiet partition stopped holding the watermark
        Await.until(
                "window 8 of s0 in the database",
                WAIT,
                () -> !db.query(
                                "SELECT 1 FROM window_aggregates WHERE series_key = 's0' AND window_start = ?",
                                java.sql.Timestamp.from(Instant.ofEpochMilli(T0 + 8 * MINUTE)))
                        .isEmpty());

        // phase 3: the watermark is now between 9:00 and 9:49 (the newest event, 9:54, less 5 s)
        long within = T0 + 8 * MINUTE + 33 * SECOND; // late, within the allowed minute: window 8 fires again
        KAFKA.produce(topic, 0, null, jsonBytes("late-within", "s0", within, 50), within);
        accepted.add(new Sent("s0", within, 50));
        long beyond = KAFKA.produce(topic, 0, null, jsonBytes("late-1", "s0", T0 + 7 * MINUTE + 30 * SECOND, 70), T0);

        Await.until(
                "the late event and the revised window",
                WAIT,
                () -> db.query("SELECT 1 FROM late_events").size() == 1
                        && db.query("SELECT 1 FROM window_aggregates WHERE revision = 2")
                                        .size()
                                == 1,
                () -> db.query("SELECT * FROM late_events") + " / "
                        + db.query(
                                "SELECT series_key, window_start, count, revision FROM window_aggregates WHERE series_key = 's0'"));
        Await.until(
                "all dead letters",
                WAIT,
                () -> db.query("SELECT 1 FROM dead_letters").size() == expectedDeadLetters.size());

        assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

        // window aggregates: exactly the windows the watermark closed, with exact statistics
        Map<String, List<Sent>> byWindow = accepted.stream()
                .collect(Collectors.groupingBy(
                        s -> s.series() + "@" + (s.time() - T0) / MINUTE, TreeMap::new, Collectors.toList()));
        byWindow.keySet().removeIf(k -> k.endsWith("@9")); // not closed: the watermark stays below 10:00
        List<Map<String, Object>> rows = db.query(
                "SELECT series_key, window_start, count, sum, min, max, mean, revision FROM window_aggregates");
        Map<String, Map<String, Object>> rowsByWindow = new TreeMap<>();
        for (Map<String, Object> r : rows) {
            long minute = (((Instant) r.get("window_start")).toEpochMilli() - T0) / MINUTE;
            rowsByWindow.put(r.get("series_key") + "@" + minute, r);
        }
        assertThat(rowsByWindow.keySet()).isEqualTo(byWindow.keySet());
        byWindow.forEach((key, events) -> {
            Map<String, Object> r = rowsByWindow.get(key);
            double sum = events.stream().mapToDouble(Sent::value).sum();
            assertThat(r.get("count")).as(key).isEqualTo((long) events.size());
            assertThat((double) r.get("sum")).as(key).isCloseTo(sum, within(1e-9));
            assertThat((double) r.get("mean")).as(key).isCloseTo(sum / events.size(), within(1e-9));
            assertThat(r.get("min"))
                    .as(key)
                    .isEqualTo(events.stream().mapToDouble(Sent::value).min().orElseThrow());
            assertThat(r.get("max"))
                    .as(key)
                    .isEqualTo(events.stream().mapToDouble(Sent::value).max().orElseThrow());
            assertThat(r.get("revision")).as(key).isEqualTo(key.equals("s0@8") ? 2 : 1);
        });

        assertThat(db.query("SELECT partition, kafka_offset, series_key, watermark FROM late_events"))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.get("partition")).isEqualTo(0);
                    assertThat(r.get("kafka_offset")).isEqualTo(beyond);
                    assertThat(r.get("series_key")).isEqualTo("s0");
                    assertThat(((Instant) r.get("watermark")).toEpochMilli())
                            .isGreaterThanOrEqualTo(T0 + 9 * MINUTE - 1);
                });

        Map<Long, String> deadLetters = new TreeMap<>();
        for (Map<String, Object> r :
                db.query("SELECT partition, kafka_offset, error_code, payload, message FROM dead_letters")) {
            assertThat(r.get("partition")).isEqualTo(0);
            assertThat((String) r.get("message")).isNotBlank();
            deadLetters.put((Long) r.get("kafka_offset"), (String) r.get("error_code"));
        }
        assertThat(deadLetters).isEqualTo(expectedDeadLetters);
        assertThat(db.query("SELECT payload FROM dead_letters WHERE error_code = 'PAYLOAD_TOO_LARGE'")
                        .get(0)
                        .get("payload"))
                .isEqualTo(new byte[20_000]);

        assertThat(db.query(
                        "SELECT series_key, detector, opened_window_start, status FROM anomalies ORDER BY series_key"))
                .extracting(r -> r.get("series_key") + " " + r.get("detector") + " "
                        + (((Instant) r.get("opened_window_start")).toEpochMilli() - T0) / MINUTE + " "
                        + r.get("status"))
                // still open: detection reads window 8 only once it is complete, at 9:59.999, which the
                // watermark (below 9:50) has not reached
                .containsExactly("s1 missingdata 5 OPEN", "s2 threshold 7 OPEN");
    }

    @Test
    void everyKindOfBadInputBecomesADeadLetterWithItsReasonAndTheJobKeepsRunning() throws Exception {
        String topic = KAFKA.createTopic("malformed", 1);
        TestDatabase db = POSTGRES.createDatabase("malformed");
        job = start(config(topic, db, Map.of("contract.max-record-bytes", "10000")));

        String ok = "\"event_id\":\"e\",\"series_key\":\"k\",\"event_time\":1714521600000";
        String sqlKey = "x'); DROP TABLE window_aggregates; --";
        // payload, then the error code and a phrase its message must contain
        List<Object[]> bad = List.of(
                new Object[] {new byte[0], "EMPTY_PAYLOAD", "no value"},
                new Object[] {null, "EMPTY_PAYLOAD", "no value"},
                new Object[] {
                    ("{" + ok + ",\"value\":1,\"pad\":\"" + "x".repeat(20_000) + "\"}")
                            .getBytes(StandardCharsets.UTF_8),
                    "PAYLOAD_TOO_LARGE",
                    "max-record-bytes"
                },
                new Object[] {"{\"event_id\": oops".getBytes(StandardCharsets.UTF_8), "MALFORMED_JSON", "not valid JSON"
                },
                new Object[] {("{" + ok + ",\"value\":NaN}").getBytes(StandardCharsets.UTF_8), "MALFORMED_JSON", "NaN"},
                new Object[] {"[".repeat(5_000).getBytes(StandardCharsets.UTF_8), "MALFORMED_JSON", "nesting depth"},
                new Object[] {
                    new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}, "MALFORMED_JSON", "UTF-8"
                },
                new Object[] {"42".getBytes(StandardCharsets.UTF_8), "NOT_AN_OBJECT", "expected a JSON object"},
                new Object[] {
                    "{\"series_key\":\"k\",\"event_time\":1714521600000,\"value\":1}".getBytes(StandardCharsets.UTF_8),
                    "MISSING_FIELD",
                    "'event_id'"
                },
                new Object[] {
                    ("{" + ok + ",\"value\":\"12\"}").getBytes(StandardCharsets.UTF_8),
                    "WRONG_TYPE",
                    "must be a JSON number"
                },
                new Object[] {
                    ("{" + ok + ",\"value\":1" + "0".repeat(400) + "}").getBytes(StandardCharsets.UTF_8),
                    "NON_FINITE_VALUE",
                    "finite"
                },
                new Object[] {
                    "{\"event_id\":\"e\",\"series_key\":\"k\",\"event_time\":\"yesterday\",\"value\":1}"
                            .getBytes(StandardCharsets.UTF_8),
                    "INVALID_EVENT_TIME",
                    "ISO-8601"
                },
                new Object[] {
                    jsonBytes("e", "k", Instant.now().plus(Duration.ofHours(2)).toEpochMilli(), 1),
                    "EVENT_TIME_IN_FUTURE",
                    "max-future-skew"
                },
                new Object[] {
                    "{\"event_id\":\"e\",\"series_key\":\"k\",\"event_time\":1714521600,\"value\":1}"
                            .getBytes(StandardCharsets.UTF_8),
                    "EVENT_TIME_TOO_OLD",
                    "epoch seconds"
                },
                new Object[] {jsonBytes("e", "k".repeat(300), T0, 1), "KEY_TOO_LONG", "max-key-length"},
                new Object[] {
                    ("{" + ok + ",\"value\":1,\"attributes\":[\"a\"]}").getBytes(StandardCharsets.UTF_8),
                    "INVALID_ATTRIBUTES",
                    "must be an object"
                },
                new Object[] {
                    ("{" + ok + ",\"value\":1,\"value\":2}").getBytes(StandardCharsets.UTF_8),
                    "MALFORMED_JSON",
                    "Duplicate field"
                });
        Map<Long, Object[]> expected = new TreeMap<>();
        for (Object[] b : bad) {
            expected.put(KAFKA.produce(topic, 0, null, (byte[]) b[0], T0), b);
        }
        // valid events around them still flow: unknown fields are ignored, SQL-looking keys kept verbatim
        KAFKA.produce(
                topic,
                0,
                null,
                ("{\"event_id\":\"v1\",\"series_key\":\"" + sqlKey.replace("\"", "\\\"")
                                + "\",\"event_time\":\"2024-05-01T00:00:10Z\",\"value\":5,\"colour\":\"red\"}")
                        .getBytes(StandardCharsets.UTF_8),
                T0);
        KAFKA.produce(topic, 0, null, jsonBytes("v2", "k", T0 + 5 * MINUTE, 1), T0); // moves the watermark on

        Await.until(
                "a dead letter for every bad record",
                WAIT,
                () -> db.query("SELECT 1 FROM dead_letters").size() == bad.size());
        Await.until(
                "the window of the SQL-looking series",
                WAIT,
                () -> !db.query("SELECT 1 FROM window_aggregates WHERE series_key = ?", sqlKey)
                        .isEmpty());
        assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

        for (Map<String, Object> row :
                db.query("SELECT kafka_offset, error_code, message, payload FROM dead_letters")) {
            Object[] sent = expected.get((Long) row.get("kafka_offset"));
            assertThat(row.get("error_code")).isEqualTo(sent[1]);
            assertThat((String) row.get("message")).as((String) sent[1]).contains((String) sent[2]);
            assertThat((byte[]) row.get("payload")).isEqualTo(sent[0] == null ? new byte[0] : sent[0]);
        }
        assertThat(db.query("SELECT count, sum FROM window_aggregates WHERE series_key = ?", sqlKey))
                .containsExactly(Map.of("count", 1L, "sum", 5.0));
    }

    private static String id(String series, long time) {
        return series + "-" + time;
    }

    private static void send(String topic, int partition, String series, long time, double value, List<Sent> accepted) {
        KAFKA.produce(topic, partition, null, jsonBytes(id(series, time), series, time, value), time);
        accepted.add(new Sent(series, time, value));
    }
}
