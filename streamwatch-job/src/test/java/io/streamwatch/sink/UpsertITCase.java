package io.streamwatch.sink;

import static io.streamwatch.sink.SinkFixtures.MINUTE;
import static io.streamwatch.sink.SinkFixtures.T0;
import static io.streamwatch.sink.SinkFixtures.aggregate;
import static io.streamwatch.sink.SinkFixtures.deadLetter;
import static io.streamwatch.sink.SinkFixtures.lateEvent;
import static io.streamwatch.sink.SinkFixtures.opened;
import static io.streamwatch.sink.SinkFixtures.resolved;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamwatch.model.AnomalyEvent;
import io.streamwatch.model.DeadLetter;
import io.streamwatch.model.LateEvent;
import io.streamwatch.model.WindowAggregate;
import io.streamwatch.sink.SinkStatements.SinkStatement;
import io.streamwatch.testkit.PostgresExtension;
import io.streamwatch.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the statements leave in PostgreSQL, written the way the JDBC sink writes them (one
 * prepared statement, a batch per flush, auto-commit), without Flink so the order is ours.
 */
class UpsertITCase {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final String HOSTILE = "'); DROP TABLE anomalies; -- \" \\ %_ $1 ?";
    private static final String UNICODE = "Grüße, 東京, עברית, emoji 🚨🔥, combining é";

    private TestDatabase db;

    @BeforeEach
    void migratedDatabase() {
        db = POSTGRES.createDatabase("upsert");
        SchemaManager.migrate(SinkFixtures.settings(db));
    }

    @Test
    void replayingWindowAggregatesLeavesIdenticalRows() {
        List<WindowAggregate> firing =
                List.of(aggregate("a", T0, 1), aggregate("b", T0, 1), aggregate("a", T0 + MINUTE, 2));
        write(SinkStatements.WINDOW_AGGREGATES, firing);
        List<Map<String, Object>> before = rows("window_aggregates");

        write(SinkStatements.WINDOW_AGGREGATES, firing);

        assertThat(rows("window_aggregates")).hasSize(3).isEqualTo(before);
    }

    @Test
    void aNewerRevisionReplacesAWindowAndAnOlderOneNeverDoes() {
        write(SinkStatements.WINDOW_AGGREGATES, List.of(aggregate("a", T0, 1)));
        write(SinkStatements.WINDOW_AGGREGATES, List.of(aggregate("a", T0, 2)));
        Map<String, Object> revision2 = rows("window_aggregates").get(0);

        write(SinkStatements.WINDOW_AGGREGATES, List.of(aggregate("a", T0, 1)));

        assertThat(revision2)
                .containsEntry("revision", 2)
                .containsEntry("count", 20L)
                .containsEntry("sum", 85.0);
        assertThat(rows("window_aggregates")).containsExactly(revision2);
    }

    @Test
    void aReCreatedWindowWithFewerEventsNeverReplacesItsCompletePredecessor() {
        WindowAggregate complete = aggregate("a", T0, 2); // 20 events, revision 2
        WindowAggregate recreated = aggregate("a", T0, 1); // state dropped, a new window: 1 event, revision 1
        recreated.count = 1;
        recreated.revision = 1;
        write(SinkStatements.WINDOW_AGGREGATES, List.of(complete));
        Map<String, Object> before = rows("window_aggregates").get(0);

        write(SinkStatements.WINDOW_AGGREGATES, List.of(recreated));
        WindowAggregate recreatedLater = aggregate("a", T0, 1);
        recreatedLater.count = 5;
        recreatedLater.revision = 9; // a high revision does not outweigh fewer events
        write(SinkStatements.WINDOW_AGGREGATES, List.of(recreatedLater));

        assertThat(rows("window_aggregates")).containsExactly(before);
        // and the sink's batch keeps the same version the statement would
        assertThat(SinkStatements.isAtLeastAsNew(recreatedLater, complete)).isFalse();
        assertThat(SinkStatements.isAtLeastAsNew(complete, recreatedLater)).isTrue();
        assertThat(SinkStatements.isAtLeastAsNew(aggregate("a", T0, 2), complete))
                .isTrue();
    }

    @Test
    void resolvingFillsTheResolvedColumnsAndKeepsTheOpeningOnes() {
        write(SinkStatements.ANOMALIES, List.of(opened("a", T0)));
        write(SinkStatements.ANOMALIES, List.of(resolved("a", T0)));

        assertThat(rows("anomalies")).containsExactly(expectedResolvedRow("a"));
    }

    @Test
    void anOpenedReplayedAfterResolvedDoesNotReopen() {
        write(SinkStatements.ANOMALIES, List.of(opened("a", T0), resolved("a", T0)));

        write(SinkStatements.ANOMALIES, List.of(opened("a", T0)));
        write(SinkStatements.ANOMALIES, List.of(opened("a", T0), resolved("a", T0), opened("a", T0)));

        assertThat(rows("anomalies")).containsExactly(expectedResolvedRow("a"));
    }

    @Test
    void aResolvedBeforeItsOpenedLeavesAResolvedRowThatTheOpenedCompletes() {
        write(SinkStatements.ANOMALIES, List.of(resolved("a", T0)));

        Map<String, Object> resolvedOnly = rows("anomalies").get(0);
        assertThat(resolvedOnly)
                .containsEntry("status", "RESOLVED")
                .containsEntry("revision", 2)
                .containsEntry("resolve_score", 0.1)
                .containsEntry("resolved_window_end", Instant.ofEpochMilli(T0 + 4 * MINUTE));
        assertThat(List.of(
                        "severity",
                        "score",
                        "observed",
                        "expected_low",
                        "expected_high",
                        "message",
                        "opened_window_end"))
                .allSatisfy(c -> assertThat(resolvedOnly.get(c)).isNull());

        write(SinkStatements.ANOMALIES, List.of(opened("a", T0)));

        assertThat(rows("anomalies")).containsExactly(expectedResolvedRow("a"));
    }

    @Test
    void hostileAndUnicodeStringsAreStoredVerbatim() throws Exception {
        for (String text : List.of(HOSTILE, UNICODE)) {
            AnomalyEvent anomaly = opened(text, T0);
            anomaly.detector = text;
            anomaly.message = text;
            LateEvent late = lateEvent(text, 0, 1);
            late.event.seriesKey = text;
            late.event.eventId = text;
            late.event.attributes = Map.of(text, text, "plain", text);
            DeadLetter dead = deadLetter(text, 0, 1, text.getBytes(UTF_8));
            dead.message = text;

            write(SinkStatements.WINDOW_AGGREGATES, List.of(aggregate(text, T0, 1)));
            write(SinkStatements.ANOMALIES, List.of(anomaly));
            write(SinkStatements.LATE_EVENTS, List.of(late));
            write(SinkStatements.DEAD_LETTERS, List.of(dead));

            assertThat(db.query("SELECT series_key FROM window_aggregates WHERE series_key = ?", text))
                    .hasSize(1);
            assertThat(db.query("SELECT series_key, detector, message FROM anomalies WHERE series_key = ?", text))
                    .containsExactly(Map.of("series_key", text, "detector", text, "message", text));
            Map<String, Object> lateRow = db.query(
                            "SELECT event_id, series_key, attributes FROM late_events WHERE topic = ?", text)
                    .get(0);
            assertThat(lateRow).containsEntry("event_id", text).containsEntry("series_key", text);
            assertThat(new ObjectMapper().readValue((String) lateRow.get("attributes"), Map.class))
                    .isEqualTo(Map.of(text, text, "plain", text));
            assertThat(db.query("SELECT message FROM dead_letters WHERE topic = ?", text))
                    .containsExactly(Map.of("message", text));
        }
        assertThat(db.query("SELECT count(*) AS n FROM anomalies")).containsExactly(Map.of("n", 2L));
    }

    @Test
    void theServerRefusesNulRatherThanStoringSomethingElse() throws Exception {
        try (Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement("INSERT INTO dead_letters (topic, partition, kafka_offset,"
                        + " payload, error_code) VALUES (?, 0, 0, ''::bytea, 'X')")) {
            ps.setString(1, "nul\u0000topic");
            assertThatThrownBy(ps::executeUpdate)
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("22"));
        }
    }

    @Test
    void nonFiniteDoublesRoundTrip() {
        WindowAggregate a = aggregate("a", T0, 1);
        a.min = Double.NEGATIVE_INFINITY;
        a.max = Double.POSITIVE_INFINITY;
        a.stddev = Double.NaN;
        AnomalyEvent warmingUp = opened("a", T0);
        warmingUp.expectedLow = Double.NEGATIVE_INFINITY;
        warmingUp.expectedHigh = Double.POSITIVE_INFINITY;
        warmingUp.observed = Double.NaN;

        write(SinkStatements.WINDOW_AGGREGATES, List.of(a));
        write(SinkStatements.ANOMALIES, List.of(warmingUp));

        assertThat(db.query("SELECT min, max, stddev FROM window_aggregates"))
                .containsExactly(
                        Map.of("min", Double.NEGATIVE_INFINITY, "max", Double.POSITIVE_INFINITY, "stddev", Double.NaN));
        assertThat(db.query("SELECT expected_low, expected_high, observed,"
                        + " expected_high = 'Infinity' AS sql_sees_infinity FROM anomalies"))
                .containsExactly(Map.of(
                        "expected_low",
                        Double.NEGATIVE_INFINITY,
                        "expected_high",
                        Double.POSITIVE_INFINITY,
                        "observed",
                        Double.NaN,
                        "sql_sees_infinity",
                        true));
    }

    @Test
    void deadLetterPayloadsRoundTripByteForByte() {
        byte[] invalidUtf8 = {(byte) 0xc3, 0x28, (byte) 0xa0, (byte) 0xa1, (byte) 0xff, 0x00, (byte) 0xfe};
        byte[] everyByte = new byte[256];
        for (int i = 0; i < 256; i++) {
            everyByte[i] = (byte) i;
        }
        byte[] oneMiB = new byte[1024 * 1024];
        new Random(7).nextBytes(oneMiB);
        DeadLetter noTimestamp = deadLetter("t", 1, 3, new byte[0]);
        noTimestamp.kafkaTimestamp = -1;

        write(
                SinkStatements.DEAD_LETTERS,
                List.of(
                        deadLetter("t", 0, 0, invalidUtf8),
                        deadLetter("t", 0, 1, everyByte),
                        deadLetter("t", 1, 2, oneMiB),
                        noTimestamp));

        Map<Long, byte[]> payloads = new LinkedHashMap<>();
        db.query("SELECT kafka_offset, payload FROM dead_letters ORDER BY kafka_offset")
                .forEach(row -> payloads.put((Long) row.get("kafka_offset"), (byte[]) row.get("payload")));
        assertThat(payloads).containsOnlyKeys(0L, 1L, 2L, 3L);
        assertThat(payloads.get(0L)).isEqualTo(invalidUtf8);
        assertThat(payloads.get(1L)).isEqualTo(everyByte);
        assertThat(payloads.get(2L)).isEqualTo(oneMiB);
        assertThat(payloads.get(3L)).isEmpty();
        assertThat(db.query("SELECT kafka_offset, kafka_timestamp, error_code FROM dead_letters"
                        + " WHERE kafka_offset IN (0, 3) ORDER BY kafka_offset"))
                .containsExactly(
                        Map.of(
                                "kafka_offset",
                                0L,
                                "kafka_timestamp",
                                Instant.ofEpochMilli(T0),
                                "error_code",
                                "MALFORMED_JSON"),
                        mapWithNull("kafka_offset", 3L, "kafka_timestamp", "error_code", "MALFORMED_JSON"));
    }

    @Test
    void aReplayedDeadLetterOrLateEventKeepsTheFirstRow() {
        DeadLetter first = deadLetter("t", 0, 5, new byte[] {1});
        DeadLetter replay = deadLetter("t", 0, 5, new byte[] {1});
        replay.message = "parser message changed by a new release";
        LateEvent late = lateEvent("t", 0, 5);
        LateEvent lateReplay = lateEvent("t", 0, 5);
        lateReplay.watermark += MINUTE;

        write(SinkStatements.DEAD_LETTERS, List.of(first));
        // as ./streamwatch dead-letters replay marks a row it re-published
        db.execute("UPDATE dead_letters SET replay_count = 1, replayed_at = now(), replayed_to_topic = 't',"
                + " replayed_to_partition = 0, replayed_to_offset = 9, replay_mapping = 'fix value=number'");
        write(SinkStatements.DEAD_LETTERS, List.of(replay));
        write(SinkStatements.LATE_EVENTS, List.of(late, lateReplay));
        write(SinkStatements.LATE_EVENTS, List.of(lateReplay));

        assertThat(db.query("SELECT message, replay_count, replayed_to_offset, replay_mapping,"
                        + " replayed_at IS NOT NULL AS replayed FROM dead_letters"))
                .as("the job's second write of the record changes neither the row nor its replay marks")
                .containsExactly(Map.of(
                        "message",
                        first.message,
                        "replay_count",
                        1,
                        "replayed_to_offset",
                        9L,
                        "replay_mapping",
                        "fix value=number",
                        "replayed",
                        true));
        assertThat(db.query("SELECT watermark FROM late_events"))
                .containsExactly(Map.of("watermark", Instant.ofEpochMilli(late.watermark)));
    }

    @Test
    void lateEventsStoreEveryFieldWithTimesAtUtc() {
        LateEvent late = lateEvent("events", 2, 41);
        late.event.unit = null;

        write(SinkStatements.LATE_EVENTS, List.of(late));

        Map<String, Object> row = rows("late_events").get(0);
        assertThat(row)
                .containsEntry("topic", "events")
                .containsEntry("partition", 2)
                .containsEntry("kafka_offset", 41L)
                .containsEntry("event_id", "evt-41")
                .containsEntry("series_key", "host-1/cpu")
                .containsEntry("event_time", Instant.parse("2024-03-01T12:00:00Z"))
                .containsEntry("value", 0.75)
                .containsEntry("source", "agent")
                .containsEntry("unit", null)
                .containsEntry("watermark", Instant.parse("2024-03-01T12:05:00Z"));
        assertThat(db.query("SELECT attributes = '{\"region\": \"eu-west-1\", \"rack\": \"r7\"}'::jsonb"
                        + " AS same FROM late_events"))
                .containsExactly(Map.of("same", true));
    }

    private Map<String, Object> expectedResolvedRow(String seriesKey) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("series_key", seriesKey);
        row.put("detector", "zscore");
        row.put("opened_window_start", Instant.ofEpochMilli(T0));
        row.put("status", "RESOLVED");
        row.put("revision", 2);
        row.put("severity", "CRITICAL");
        row.put("score", 0.97);
        row.put("observed", 120.0);
        row.put("expected_low", 10.0);
        row.put("expected_high", 30.0);
        row.put("message", "value 120 far above expected [10, 30]");
        row.put("opened_window_end", Instant.ofEpochMilli(T0 + MINUTE));
        row.put("resolved_window_start", Instant.ofEpochMilli(T0 + 3 * MINUTE));
        row.put("resolved_window_end", Instant.ofEpochMilli(T0 + 4 * MINUTE));
        row.put("resolve_score", 0.1);
        return row;
    }

    private static Map<String, Object> mapWithNull(String k1, Object v1, String nullKey, String k2, Object v2) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(k1, v1);
        row.put(nullKey, null);
        row.put(k2, v2);
        return row;
    }

    /** A table's rows in key order, without the write timestamps that replays renew. */
    private List<Map<String, Object>> rows(String table) {
        List<Map<String, Object>> rows = db.query("SELECT * FROM " + table + " ORDER BY 1, 2, 3");
        rows.forEach(row -> {
            row.remove("updated_at");
            row.remove("received_at");
        });
        return rows;
    }

    /** As the JDBC sink's flush does: one prepared statement, every element added to one batch. */
    private <T> void write(SinkStatement<T> statement, List<T> elements) {
        try (Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement(statement.sql())) {
            for (T element : elements) {
                statement.binder().accept(ps, element);
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (Exception e) {
            throw new AssertionError("writing " + elements + " failed", e);
        }
    }
}
