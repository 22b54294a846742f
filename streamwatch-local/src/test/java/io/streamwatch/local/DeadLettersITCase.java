package io.streamwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.JobEnvironment;
import io.streamwatch.StreamwatchJob;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.testkit.Await;
import io.streamwatch.testkit.FlinkCluster;
import io.streamwatch.testkit.JobRestarts;
import io.streamwatch.testkit.KafkaExtension;
import io.streamwatch.testkit.PostgresExtension;
import io.streamwatch.testkit.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./streamwatch dead-letters} against the running job, on the real broker and PostgreSQL:
 * records the job refused are listed and shown decoded, re-published through a field mapping with
 * headers that say where they came from, and counted by the job once, though one of them is
 * re-published twice; each row is marked with how often, when, where to and how.
 */
class DeadLettersITCase {
    private static final long T0 = Instant.parse("2024-05-01T00:00:00Z").toEpochMilli();
    private static final String SERIES = "s";

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.extension();

    @TempDir
    Path dirs;

    private Map<String, String> pgEnvironment;

    @Test
    void refusedRecordsAreReplayedIntoTheJobCountedOnceAndMarked() throws Exception {
        String topic = KAFKA.createTopic("dead-letters", 1);
        TestDatabase db = POSTGRES.createDatabase("deadletters");
        pgEnvironment = pgEnvironment(db);
        StreamwatchConfig config = config(topic, db);
        StreamwatchJob.prepareDatabase(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironment.configure(env, config);
        StreamwatchJob.wire(env, config);
        JobClient job = env.executeAsync("dead-letters");

        for (int i = 0; i < 5; i++) produce(topic, event("e" + i, 10 * i, String.valueOf(i + 1)));
        String wrongType = event("bad-1", 55, "\"12\"");
        long wrongTypeOffset = produce(topic, wrongType);
        long missingIdOffset = produce(topic, event("bad-2", 56, "7").replace("\"event_id\"", "\"id\""));
        byte[] notText = {(byte) 0xff, (byte) 0xfe, '{', 0};
        long notTextOffset = KAFKA.produce(topic, 0, null, notText, T0);
        Await.until(
                "three dead letters",
                Duration.ofSeconds(60),
                () -> db.query("SELECT count(*) AS n FROM dead_letters")
                        .get(0)
                        .get("n")
                        .equals(3L));

        String list = cli("list");
        assertThat(list)
                .contains(topic + ":0@" + wrongTypeOffset + "  ", "WRONG_TYPE", wrongType)
                .contains(topic + ":0@" + missingIdOffset + "  ", "MISSING_FIELD")
                .contains(
                        topic + ":0@" + notTextOffset + "  ",
                        "MALFORMED_JSON",
                        "<4 bytes, not UTF-8 text: ff fe 7b 00>")
                .contains("3 matching rows in localhost:");
        assertThat(cli("list", "--code", "wrong_type,missing_field", "--limit", "1"))
                .contains("1 of 2 matching rows")
                .contains("WRONG_TYPE")
                .doesNotContain("MISSING_FIELD");
        assertThat(cli("show", topic + ":0@" + wrongTypeOffset))
                .contains("  code: WRONG_TYPE", "  stage: validate-contract", "  replayed: never")
                .contains("(" + wrongType.length() + " bytes, UTF-8 text):\n    " + wrongType);
        assertThat(cli("list", "--since", "2999-01-01T00:00:00Z")).contains("0 matching rows");

        String fixed = cli(
                "replay",
                "--code",
                "WRONG_TYPE",
                "--fix",
                "value=number",
                "--bootstrap-servers",
                KAFKA.bootstrapServers(),
                "--data",
                dirs.toString());
        assertThat(fixed).contains("Replayed 1 of 1 selected row (fix value=number).");
        String renamed = cli(
                "replay",
                topic + ":0@" + missingIdOffset,
                "--rename",
                "id=event_id",
                "--bootstrap-servers",
                KAFKA.bootstrapServers(),
                "--data",
                dirs.toString());
        assertThat(renamed).contains("Replayed 1 of 1 selected row (rename id=event_id).");
        assertThat(cli(
                        "replay",
                        "--code",
                        "WRONG_TYPE",
                        "--fix",
                        "value=number",
                        "--bootstrap-servers",
                        KAFKA.bootstrapServers(),
                        "--data",
                        dirs.toString()))
                .as("a row replayed before is left out")
                .contains("Replayed 0 of 0 selected rows (fix value=number); 1 matching row was replayed before");
        assertThat(cli(
                        "replay",
                        "--code",
                        "MALFORMED_JSON",
                        "--fix",
                        "value=number",
                        "--bootstrap-servers",
                        KAFKA.bootstrapServers(),
                        "--data",
                        dirs.toString()))
                .contains(topic + ":0@" + notTextOffset + "  not replayed: not JSON, which a field mapping needs")
                .contains("Replayed 0 of 1 selected row (fix value=number); 1 not replayed, see above.");
        // on purpose: the same record a second time, which the job's dedupe must count once
        assertThat(cli(
                        "replay",
                        "--code",
                        "WRONG_TYPE",
                        "--fix",
                        "value=number",
                        "--again",
                        "--bootstrap-servers",
                        KAFKA.bootstrapServers(),
                        "--data",
                        dirs.toString()))
                .contains("Replayed 1 of 1 selected row");

        List<ConsumerRecord<byte[], byte[]>> all = KAFKA.consume(topic, 11, Duration.ofSeconds(30));
        List<ConsumerRecord<byte[], byte[]>> replayed = all.stream()
                .filter(r -> r.headers().lastHeader(DeadLetters.HEADER_SOURCE_OFFSET) != null)
                .toList();
        assertThat(replayed).hasSize(3);
        String expectedFix = wrongType.replace("\"12\"", "12");
        assertThat(replayed)
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly(expectedFix, event("bad-2", 56, "7"), expectedFix);
        assertThat(headers(replayed.get(0)))
                .containsEntry(DeadLetters.HEADER_SOURCE_TOPIC, topic)
                .containsEntry(DeadLetters.HEADER_SOURCE_PARTITION, "0")
                .containsEntry(DeadLetters.HEADER_SOURCE_OFFSET, String.valueOf(wrongTypeOffset))
                .containsEntry(DeadLetters.HEADER_ERROR_CODE, "WRONG_TYPE")
                .containsEntry(DeadLetters.HEADER_MAPPING, "fix value=number")
                .containsKey(DeadLetters.HEADER_REPLAYED_AT);
        assertThat(Instant.parse(headers(replayed.get(0)).get(DeadLetters.HEADER_REPLAYED_AT)))
                .isBefore(Instant.now());
        assertThat(headers(replayed.get(1)))
                .containsEntry(DeadLetters.HEADER_SOURCE_OFFSET, String.valueOf(missingIdOffset))
                .containsEntry(DeadLetters.HEADER_ERROR_CODE, "MISSING_FIELD");

        // the next minutes move event time past minute 0 and its allowed lateness: its window is final
        for (int minute = 1; minute <= 3; minute++) produce(topic, event("later-" + minute, 60 * minute + 30, "1"));
        Await.until(
                "minute 0's window holding the replayed events",
                Duration.ofSeconds(60),
                () -> !db.query(
                                "SELECT 1 FROM window_aggregates WHERE series_key = ? AND window_start = ?"
                                        + " AND count = 7",
                                SERIES,
                                java.sql.Timestamp.from(Instant.ofEpochMilli(T0)))
                        .isEmpty(),
                () -> db.query("SELECT window_start, count, revision FROM window_aggregates")
                        .toString());
        job.cancel().get();
        JobRestarts.assertNone(FLINK, job.getJobID());

        assertThat(db.query(
                        "SELECT count, sum FROM window_aggregates WHERE window_start = ?",
                        java.sql.Timestamp.from(Instant.ofEpochMilli(T0))))
                .as("five valid events and the two replayed ones, the one replayed twice once")
                .containsExactly(Map.of("count", 7L, "sum", 1.0 + 2 + 3 + 4 + 5 + 12 + 7));
        assertThat(db.query("SELECT sum(records_read) AS read, sum(invalid) AS invalid, sum(duplicates) AS duplicates"
                        + " FROM ingest_ledger"))
                .containsExactly(Map.of(
                        "read", BigDecimal.valueOf(5 + 3 + 3 + 3),
                        "invalid", BigDecimal.valueOf(3),
                        "duplicates", BigDecimal.ONE));
        assertThat(db.query("SELECT kafka_offset, replay_count, replayed_to_topic, replayed_to_partition,"
                        + " replayed_to_offset, replay_mapping, replayed_at IS NOT NULL AS replayed"
                        + " FROM dead_letters ORDER BY kafka_offset"))
                .containsExactly(
                        row(wrongTypeOffset, 2, topic, 0, replayed.get(2).offset(), "fix value=number", true),
                        row(missingIdOffset, 1, topic, 0, replayed.get(1).offset(), "rename id=event_id", true),
                        row(notTextOffset, 0, null, null, null, null, false));
        assertThat(cli("show", topic + ":0@" + wrongTypeOffset))
                .contains("  replayed: 2x, last at ")
                .contains(" to " + topic + ":0@" + replayed.get(2).offset() + " (fix value=number)");
    }

    private static Map<String, Object> row(
            long offset, int count, String topic, Integer partition, Long to, String mapping, boolean replayed) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("kafka_offset", offset);
        row.put("replay_count", count);
        row.put("replayed_to_topic", topic);
        row.put("replayed_to_partition", partition);
        row.put("replayed_to_offset", to);
        row.put("replay_mapping", mapping);
        row.put("replayed", replayed);
        return row;
    }

    private String replay(String... args) {
        List<String> all = new ArrayList<>(List.of("replay"));
        all.addAll(List.of(args));
        all.addAll(List.of("--bootstrap-servers", KAFKA.bootstrapServers(), "--data", dirs.toString()));
        return cli(all.toArray(String[]::new));
    }

    /** Runs a dead-letters subcommand as the launcher would, with the PG* variables of the test database. */
    private String cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Launcher.commandLine(
                        new DeadLetters(pgEnvironment),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8))
                .execute(args);
        String printed = out.toString(StandardCharsets.UTF_8);
        System.out.println("dead-letters " + String.join(" ", args) + ":\n" + printed + err);
        assertThat(code).as(String.join(" ", args) + ": " + err).isZero();
        return printed;
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : record.headers()) headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        return headers;
    }

    private static String event(String id, int second, String value) {
        return String.format(
                Locale.ROOT,
                "{\"event_id\":\"%s\",\"series_key\":\"%s\",\"event_time\":\"%s\",\"value\":%s}",
                id,
                SERIES,
                Instant.ofEpochMilli(T0 + second * 1000L),
                value);
    }

    private static long produce(String topic, String json) {
        return KAFKA.produce(topic, 0, null, json.getBytes(StandardCharsets.UTF_8), T0);
    }

    /** What ./streamwatch db prints for a database: libpq's variables. */
    private static Map<String, String> pgEnvironment(TestDatabase db) {
        URI uri = URI.create(db.url().substring("jdbc:".length()));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGHOST", uri.getHost());
        env.put("PGPORT", String.valueOf(uri.getPort()));
        env.put("PGDATABASE", uri.getPath().substring(1));
        env.put("PGUSER", db.user());
        env.put("PGPASSWORD", db.password());
        return env;
    }

    private StreamwatchConfig config(String topic, TestDatabase db) {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("source.kafka.bootstrap-servers", KAFKA.bootstrapServers());
        overrides.put("source.kafka.topics", topic);
        overrides.put("source.kafka.group-id", topic);
        overrides.put("source.kafka.starting-offsets", "earliest");
        overrides.put("sink.jdbc.url", db.url());
        overrides.put("sink.jdbc.user", db.user());
        overrides.put("sink.jdbc.password-env", "DB_PASSWORD");
        overrides.put("checkpointing.dir", dirs.resolve("checkpoints").toUri().toString());
        overrides.put("checkpointing.interval", "500ms");
        overrides.put("job.parallelism", "2");
        Map<String, Object> tree = Map.of(
                "detection",
                Map.of("detectors", new ArrayList<>(List.of(Map.of("type", "threshold", "upper", 1e6, "margin", 1)))));
        return StreamwatchConfig.load(tree, overrides, Map.of("DB_PASSWORD", ""));
    }
}
