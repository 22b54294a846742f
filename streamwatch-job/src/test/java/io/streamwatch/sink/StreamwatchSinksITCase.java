package io.streamwatch.sink;

import static io.streamwatch.sink.SinkFixtures.MINUTE;
import static io.streamwatch.sink.SinkFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.model.AnomalyEvent;
import io.streamwatch.model.DeadLetter;
import io.streamwatch.model.LateEvent;
import io.streamwatch.model.LedgerCounts;
import io.streamwatch.model.WindowAggregate;
import io.streamwatch.testkit.FlinkCluster;
import io.streamwatch.testkit.JobRestarts;
import io.streamwatch.testkit.PostgresExtension;
import io.streamwatch.testkit.TestDatabase;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sinks in real Flink jobs: Sink V2 writers on two subtasks, batching, end-of-input flush. */
class StreamwatchSinksITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.extension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final int WINDOWS = 20;

    private TestDatabase db;
    private JdbcSettings settings;

    @BeforeEach
    void migratedDatabase() {
        db = POSTGRES.createDatabase("flink");
        settings = SinkFixtures.settings(db);
        SchemaManager.migrate(settings);
        SchemaManager.verify(settings);
    }

    @Test
    void allFourSinksWriteThroughFlinkAndARerunOfTheSameInputChangesNoRow() throws Exception {
        runJob();
        Map<String, List<Map<String, Object>>> first = tables();

        runJob();

        assertThat(first.get("window_aggregates"))
                .hasSize(WINDOWS)
                .allSatisfy(row -> assertThat(row).containsEntry("revision", 3));
        assertThat(first.get("anomalies"))
                .hasSize(WINDOWS)
                .allSatisfy(row -> assertThat(row)
                        .containsEntry("status", "RESOLVED")
                        .containsEntry("severity", "CRITICAL")
                        .containsEntry("resolve_score", 0.1));
        assertThat(first.get("dead_letters")).hasSize(WINDOWS);
        assertThat(first.get("late_events")).hasSize(WINDOWS);
        assertThat(tables()).isEqualTo(first);
    }

    @Test
    void aRowThePostgresRefusesGoesToTheDeadLettersAndTheRestOfItsBatchIsWritten() throws Exception {
        List<WindowAggregate> aggregates = new ArrayList<>();
        for (int i = 0; i < WINDOWS; i++) aggregates.add(SinkFixtures.aggregate("series-" + i, T0, 1));
        aggregates.add(SinkFixtures.aggregate("nul\u0000key", T0, 1));
        aggregates.add(SinkFixtures.aggregate("lone \uD800 surrogate", T0, 1));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(aggregates)
                .sinkTo(StreamwatchSinks.windowAggregates(settings))
                .name("window aggregates");
        // refused by the server itself: the ledger's balance constraint (SQLSTATE 23514)
        LedgerCounts balanced = LedgerCounts.at("events", 0, T0).readAt(0).valid();
        LedgerCounts unbalanced = LedgerCounts.at("events", 1, T0).readAt(0);
        env.fromData(balanced, unbalanced)
                .sinkTo(StreamwatchSinks.ingestLedger(settings))
                .name("ledger");

        JobRestarts.assertNone(FLINK, env.execute("refused-rows").getJobID());

        assertThat(db.query("SELECT partition FROM ingest_ledger")).containsExactly(Map.of("partition", 0));
        assertThat(db.query("SELECT error_code, message FROM dead_letters WHERE topic = 'ingest_ledger'"))
                .singleElement()
                .satisfies(row -> assertThat((String) row.get("message")).startsWith("SQLSTATE 23514"));

        assertThat(db.query("SELECT count(*) AS n FROM window_aggregates"))
                .containsExactly(Map.of("n", (long) WINDOWS));
        List<Map<String, Object>> refused = db.query("SELECT topic, partition, error_code, stage, payload_format,"
                + " message FROM dead_letters WHERE topic = 'window_aggregates'");
        assertThat(refused)
                .hasSize(2)
                .allSatisfy(row -> assertThat(row)
                        .containsEntry("topic", "window_aggregates")
                        .containsEntry("partition", -1)
                        .containsEntry("error_code", "ROW_REFUSED")
                        .containsEntry("stage", "window_aggregates-sink")
                        .containsEntry("payload_format", "JSON"));
        assertThat(refused).extracting(row -> (String) row.get("message")).allMatch(m -> m.startsWith("SQLSTATE 22"));
    }

    /**
     * Every window's three revisions and every anomaly's two events are spread round-robin over
     * two sink subtasks, so they reach the database in no particular order; the end state must
     * still be the newest revision and the merged anomaly.
     */
    private void runJob() throws Exception {
        List<WindowAggregate> aggregates = new ArrayList<>();
        List<AnomalyEvent> anomalies = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        List<LateEvent> lateEvents = new ArrayList<>();
        for (int i = 0; i < WINDOWS; i++) {
            for (int revision = 1; revision <= 3; revision++) {
                aggregates.add(SinkFixtures.aggregate("series-" + i % 3, T0 + i * MINUTE, revision));
            }
            anomalies.add(SinkFixtures.opened("series-" + i, T0));
            anomalies.add(SinkFixtures.resolved("series-" + i, T0));
            deadLetters.add(SinkFixtures.deadLetter("events", i % 2, i, new byte[] {(byte) i, (byte) 0xff}));
            lateEvents.add(SinkFixtures.lateEvent("events", i % 2, i));
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.fromData(aggregates)
                .rebalance()
                .sinkTo(StreamwatchSinks.windowAggregates(settings))
                .name("window aggregates");
        env.fromData(anomalies)
                .rebalance()
                .sinkTo(StreamwatchSinks.anomalies(settings))
                .name("anomalies");
        env.fromData(deadLetters)
                .rebalance()
                .sinkTo(StreamwatchSinks.deadLetters(settings))
                .name("dead letters");
        env.fromData(lateEvents)
                .rebalance()
                .sinkTo(StreamwatchSinks.lateEvents(settings))
                .name("late events");
        JobRestarts.assertNone(FLINK, env.execute("sinks").getJobID());
    }

    private Map<String, List<Map<String, Object>>> tables() {
        return Map.of(
                "window_aggregates", rows("window_aggregates", "updated_at"),
                "anomalies", rows("anomalies", "updated_at"),
                "dead_letters", rows("dead_letters", "received_at"),
                "late_events", rows("late_events", "received_at"));
    }

    /** A table's rows in key order, payloads as hex to compare by content, without write times. */
    private List<Map<String, Object>> rows(String table, String writeTime) {
        List<Map<String, Object>> rows = db.query("SELECT * FROM " + table + " ORDER BY 1, 2, 3");
        rows.forEach(row -> {
            row.remove(writeTime);
            row.replaceAll((column, value) ->
                    value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : value);
        });
        return rows;
    }
}
