package io.streamwatch.sink;

import io.streamwatch.model.AnomalyEvent;
import io.streamwatch.model.DeadLetter;
import io.streamwatch.model.LateEvent;
import io.streamwatch.model.WindowAggregate;
import io.streamwatch.sink.SinkStatements.SinkStatement;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * The PostgreSQL sinks of the job, one per record type, attached with {@code stream.sinkTo(...)}.
 *
 * <p>At-least-once: each subtask writes its buffered rows in a batch when the batch is full, when
 * {@link JdbcSettings#batchIntervalMs()} passed, and at every checkpoint, so a completed checkpoint
 * means its rows are stored. Rows written after the last checkpoint are written again on recovery;
 * the upserts of {@link SinkStatements} make that harmless, which exactly-once (XA transactions) would
 * only buy at the price of latency and prepared transactions on the server.
 *
 * <p>Call {@link SchemaManager#migrate} or {@link SchemaManager#verify} before starting the job: a
 * missing table would otherwise only show as a failing, restarting sink.
 */
public final class StreamwatchSinks {

    private static final String DRIVER = "org.postgresql.Driver";

    private StreamwatchSinks() {}

    public static Sink<WindowAggregate> windowAggregates(JdbcSettings settings) {
        return jdbcSink(settings, SinkStatements.WINDOW_AGGREGATES);
    }

    public static Sink<AnomalyEvent> anomalies(JdbcSettings settings) {
        return jdbcSink(settings, SinkStatements.ANOMALIES);
    }

    public static Sink<DeadLetter> deadLetters(JdbcSettings settings) {
        return jdbcSink(settings, SinkStatements.DEAD_LETTERS);
    }

    public static Sink<LateEvent> lateEvents(JdbcSettings settings) {
        return jdbcSink(settings, SinkStatements.LATE_EVENTS);
    }

    private static <T> Sink<T> jdbcSink(JdbcSettings settings, SinkStatement<T> statement) {
        return JdbcSink.<T>builder()
                .withQueryStatement(statement.sql(), statement.binder())
                .withExecutionOptions(JdbcExecutionOptions.builder()
                        .withBatchSize(settings.batchSize())
                        .withBatchIntervalMs(settings.batchIntervalMs())
                        .withMaxRetries(settings.maxRetries())
                        .build())
                .buildAtLeastOnce(connectionOptions(settings));
    }

    private static JdbcConnectionOptions connectionOptions(JdbcSettings settings) {
        return new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                .withUrl(settings.url())
                // named so the connector loads it from the job's class loader, not DriverManager's
                .withDriverName(DRIVER)
                .withUsername(settings.user()) // the builder skips nulls
                .withPassword(settings.password())
                .build();
    }
}
