package io.streamwatch.sink;

import io.streamwatch.model.AnomalyEvent;
import io.streamwatch.model.DeadLetter;
import io.streamwatch.model.LateEvent;
import io.streamwatch.model.LedgerCounts;
import io.streamwatch.model.WindowAggregate;
import io.streamwatch.sink.SinkStatements.SinkStatement;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * The PostgreSQL sinks of the job, one per record type, attached with {@code stream.sinkTo(...)}.
 * Each is an {@link UpsertSink}: at-least-once with idempotent statements, refused rows
 * dead-lettered, outages waited out.
 *
 * <p>Call {@link SchemaManager#migrate} or {@link SchemaManager#verify} before starting the job: a
 * missing table would otherwise only show as a failing, restarting sink.
 */
public final class StreamwatchSinks {

    private StreamwatchSinks() {}

    public static Sink<WindowAggregate> windowAggregates(JdbcSettings settings) {
        return sink(settings, SinkStatements.WINDOW_AGGREGATES);
    }

    public static Sink<AnomalyEvent> anomalies(JdbcSettings settings) {
        return sink(settings, SinkStatements.ANOMALIES);
    }

    public static Sink<DeadLetter> deadLetters(JdbcSettings settings) {
        return sink(settings, SinkStatements.DEAD_LETTERS);
    }

    public static Sink<LateEvent> lateEvents(JdbcSettings settings) {
        return sink(settings, SinkStatements.LATE_EVENTS);
    }

    public static Sink<LedgerCounts> ingestLedger(JdbcSettings settings) {
        return sink(settings, SinkStatements.INGEST_LEDGER);
    }

    private static <T> Sink<T> sink(JdbcSettings settings, SinkStatement<T> statement) {
        return UpsertSink.of(
                settings,
                statement.table().name(),
                statement.sql(),
                statement.binder(),
                statement.key(),
                statement.supersedes());
    }
}
