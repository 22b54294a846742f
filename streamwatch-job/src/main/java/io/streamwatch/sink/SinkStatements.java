package io.streamwatch.sink;

import io.streamwatch.model.AnomalyEvent;
import io.streamwatch.model.DeadLetter;
import io.streamwatch.model.Event;
import io.streamwatch.model.LateEvent;
import io.streamwatch.model.LedgerCounts;
import io.streamwatch.model.SafeText;
import io.streamwatch.model.WindowAggregate;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

/**
 * The statement each sink runs, and the binder that fills it. Every statement is keyed on the
 * record's natural key and safe to repeat, because the sinks are at-least-once: after a failure
 * Flink replays everything since the last checkpoint, and a failed batch is retried whole.
 *
 * <p>Each binder binds exactly the columns of its {@link SinkTable}, key first, in that order.
 *
 * <p>Public so that the benchmark's Kafka Streams twin writes its rows with exactly these statements.
 */
public final class SinkStatements {

    /**
     * One sink's statement: the table contract, the SQL, the binder of one element, the element's
     * natural key, and, where the row is replaced rather than merged, when an element makes an
     * earlier one with the same key in the same batch redundant (null where rows merge).
     */
    public record SinkStatement<T>(
            SinkTable table,
            String sql,
            JdbcStatementBuilder<T> binder,
            UpsertSink.SerializableFunction<T, String> key,
            UpsertSink.Supersedes<T> supersedes) {}

    private SinkStatements() {}

    private static final SinkTable WINDOW_AGGREGATES_TABLE = new SinkTable(
            "window_aggregates",
            List.of("series_key", "window_start", "window_end"),
            List.of(
                    "count",
                    "sum",
                    "min",
                    "max",
                    "mean",
                    "stddev",
                    "first_event_time",
                    "last_event_time",
                    "p50",
                    "p95",
                    "p99",
                    "revision"),
            "updated_at");

    /**
     * A window's row only moves forward: it is rewritten by a version with more events, or as many
     * and the same or a higher revision (the same one again on replay). A window's events are only
     * ever added, so the fuller version is the newer one: a window re-created after its state was
     * dropped (a partition far behind the others), which starts again at revision 1 with fewer
     * events, can never replace the row of its complete predecessor; nor can an older revision
     * arriving after a newer one.
     */
    public static final SinkStatement<WindowAggregate> WINDOW_AGGREGATES = new SinkStatement<>(
            WINDOW_AGGREGATES_TABLE,
            WINDOW_AGGREGATES_TABLE.insertOnConflict() + "DO UPDATE SET "
                    + WINDOW_AGGREGATES_TABLE.values().stream()
                            .map(c -> c + " = EXCLUDED." + c)
                            .collect(Collectors.joining(", "))
                    + ", updated_at = EXCLUDED.updated_at"
                    + " WHERE (window_aggregates.count, window_aggregates.revision)"
                    + " <= (EXCLUDED.count, EXCLUDED.revision)",
            SinkStatements::bindWindowAggregate,
            a -> a.seriesKey + '/' + a.windowStart + '/' + a.windowEnd,
            SinkStatements::isAtLeastAsNew);

    /** The statement's guard, for two versions of a window in one batch. */
    static boolean isAtLeastAsNew(WindowAggregate candidate, WindowAggregate current) {
        return candidate.count != current.count
                ? candidate.count > current.count
                : candidate.revision >= current.revision;
    }

    private static final List<String> OPENING_COLUMNS =
            List.of("severity", "score", "observed", "expected_low", "expected_high", "message", "opened_window_end");
    private static final List<String> RESOLVED_COLUMNS =
            List.of("resolved_window_start", "resolved_window_end", "resolve_score");

    private static final SinkTable ANOMALIES_TABLE = new SinkTable(
            "anomalies",
            List.of("series_key", "detector", "opened_window_start"),
            concat(List.of("status", "revision"), OPENING_COLUMNS, RESOLVED_COLUMNS),
            "updated_at");

    /**
     * An anomaly row merges its two events, whatever order they arrive in: the OPENED event
     * (revision 1) owns the opening columns, the RESOLVED event (revision 2) the resolved ones, and
     * status follows the highest revision seen. So an OPENED replayed after RESOLVED rewrites the
     * same opening values and does not reopen; and a RESOLVED written first (a replay into a
     * database that lost the OPENED row) leaves a RESOLVED row with NULL opening columns, which the
     * OPENED fills once it is replayed, ending in the same row as in-order delivery.
     */
    static final SinkStatement<AnomalyEvent> ANOMALIES = new SinkStatement<>(
            ANOMALIES_TABLE,
            ANOMALIES_TABLE.insertOnConflict() + "DO UPDATE SET "
                    + "status = CASE WHEN EXCLUDED.revision >= anomalies.revision"
                    + " THEN EXCLUDED.status ELSE anomalies.status END, "
                    + "revision = GREATEST(anomalies.revision, EXCLUDED.revision), "
                    + ownedBy("OPEN", OPENING_COLUMNS) + ", "
                    + ownedBy("RESOLVED", RESOLVED_COLUMNS) + ", "
                    + "updated_at = EXCLUDED.updated_at",
            SinkStatements::bindAnomaly,
            e -> e.anomalyId() + '/' + e.kind,
            null);

    private static final SinkTable DEAD_LETTERS_TABLE = new SinkTable(
            "dead_letters",
            List.of("topic", "partition", "kafka_offset"),
            List.of(
                    "kafka_timestamp",
                    "payload",
                    "error_code",
                    "message",
                    "stage",
                    "exception_class",
                    "payload_format"),
            "received_at");

    /** A Kafka record is refused once; a replay of it keeps the first row. */
    public static final SinkStatement<DeadLetter> DEAD_LETTERS = new SinkStatement<>(
            DEAD_LETTERS_TABLE,
            DEAD_LETTERS_TABLE.insertOnConflict() + "DO NOTHING",
            SinkStatements::bindDeadLetter,
            d -> d.topic + '/' + d.partition + '/' + d.offset,
            null);

    private static final SinkTable LATE_EVENTS_TABLE = new SinkTable(
            "late_events",
            List.of("topic", "partition", "kafka_offset"),
            List.of("event_id", "series_key", "event_time", "value", "source", "unit", "attributes", "watermark"),
            "received_at");

    /** Keyed by the event's Kafka coordinates: events without lineage cannot be stored. */
    static final SinkStatement<LateEvent> LATE_EVENTS = new SinkStatement<>(
            LATE_EVENTS_TABLE,
            LATE_EVENTS_TABLE.insertOnConflict() + "DO NOTHING",
            SinkStatements::bindLateEvent,
            l -> l.event.topic + '/' + l.event.partition + '/' + l.event.offset,
            null);

    private static final SinkTable INGEST_LEDGER_TABLE = new SinkTable(
            "ingest_ledger",
            List.of("topic", "partition", "arrival_minute"),
            List.of(
                    "records_read",
                    "valid",
                    "invalid",
                    "quarantined",
                    "duplicates",
                    "late_accepted",
                    "late_dropped",
                    "first_offset",
                    "last_offset"),
            "updated_at");

    /**
     * Each row is the running total of its partition and minute, so the latest replaces the others.
     * After a restore the totals start again from the checkpoint's and grow back to the same end; the
     * guard keeps the row from going back meanwhile.
     */
    static final SinkStatement<LedgerCounts> INGEST_LEDGER = new SinkStatement<>(
            INGEST_LEDGER_TABLE,
            INGEST_LEDGER_TABLE.insertOnConflict() + "DO UPDATE SET "
                    + INGEST_LEDGER_TABLE.values().stream()
                            .map(c -> c + " = EXCLUDED." + c)
                            .collect(Collectors.joining(", "))
                    + ", updated_at = EXCLUDED.updated_at"
                    + " WHERE ingest_ledger.records_read <= EXCLUDED.records_read",
            SinkStatements::bindLedger,
            LedgerCounts::rowKey,
            (candidate, current) -> candidate.read >= current.read);

    static final List<SinkStatement<?>> ALL =
            List.of(WINDOW_AGGREGATES, ANOMALIES, DEAD_LETTERS, LATE_EVENTS, INGEST_LEDGER);

    static void bindWindowAggregate(PreparedStatement statement, WindowAggregate a) throws SQLException {
        new Params(statement)
                .text(a.seriesKey)
                .instant(a.windowStart)
                .instant(a.windowEnd)
                .int8(a.count)
                .float8(a.sum)
                .float8(a.min)
                .float8(a.max)
                .float8(a.mean)
                .float8(a.stddev)
                .instant(a.firstEventTime)
                .instant(a.lastEventTime)
                .float8(a.p50)
                .float8(a.p95)
                .float8(a.p99)
                .int4(a.revision);
    }

    static void bindAnomaly(PreparedStatement statement, AnomalyEvent e) throws SQLException {
        boolean opened =
                Objects.requireNonNull(e.kind, () -> "anomaly event without kind: " + e) == AnomalyEvent.Kind.OPENED;
        new Params(statement)
                .text(e.seriesKey)
                .text(e.detector)
                .instant(e.openedWindowStart)
                .text(opened ? "OPEN" : "RESOLVED")
                .int4(opened ? 1 : 2)
                // opening columns
                .text(opened && e.severity != null ? e.severity.name() : null)
                .float8(opened ? e.score : null)
                .float8(opened ? e.observed : null)
                .float8(opened ? e.expectedLow : null)
                .float8(opened ? e.expectedHigh : null)
                .text(opened ? e.message : null)
                .instant(opened ? e.windowEnd : null)
                // resolved columns
                .instant(opened ? null : e.windowStart)
                .instant(opened ? null : e.windowEnd)
                .float8(opened ? null : e.score);
    }

    static void bindDeadLetter(PreparedStatement statement, DeadLetter d) throws SQLException {
        new Params(statement)
                .text(d.topic)
                .int4(d.partition)
                .int8(d.offset)
                // Kafka marks a record without timestamp with -1
                .instant(d.kafkaTimestamp >= 0 ? d.kafkaTimestamp : null)
                // the model stores a tombstone's value as empty bytes
                .bytes(d.payload == null ? new byte[0] : d.payload)
                .text(d.errorCode == null ? null : d.errorCode.name())
                .text(SafeText.escape(d.message))
                .text(d.stage == null ? DeadLetter.CONTRACT_STAGE : d.stage)
                .text(d.exceptionClass)
                .text(d.payloadFormat == null ? DeadLetter.PayloadFormat.RAW.name() : d.payloadFormat.name());
    }

    static void bindLedger(PreparedStatement statement, LedgerCounts c) throws SQLException {
        new Params(statement)
                .text(c.topic)
                .int4(c.partition)
                .instant(c.arrivalMinute)
                .int8(c.read)
                .int8(c.valid)
                .int8(c.invalid)
                .int8(c.quarantined)
                .int8(c.duplicates)
                .int8(c.lateAccepted)
                .int8(c.lateDropped)
                .int8(c.read == 0 ? null : c.firstOffset)
                .int8(c.read == 0 ? null : c.lastOffset);
    }

    static void bindLateEvent(PreparedStatement statement, LateEvent late) throws SQLException {
        Event e = late.event;
        new Params(statement)
                .text(e.topic)
                .int4(e.partition)
                .int8(e.offset)
                .text(e.eventId)
                .text(e.seriesKey)
                .instant(e.eventTime)
                .float8(e.value)
                .text(e.source)
                .text(e.unit)
                .json(e.attributes)
                .instant(late.watermark);
    }

    /** {@code c = CASE WHEN EXCLUDED.status = 'S' THEN EXCLUDED.c ELSE anomalies.c END, ...} */
    private static String ownedBy(String status, List<String> columns) {
        return columns.stream()
                .map(c -> c + " = CASE WHEN EXCLUDED.status = '" + status + "' THEN EXCLUDED." + c + " ELSE anomalies."
                        + c + " END")
                .collect(Collectors.joining(", "));
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        return Arrays.stream(lists).flatMap(List::stream).toList();
    }
}
