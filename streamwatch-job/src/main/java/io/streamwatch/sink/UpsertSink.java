package io.streamwatch.sink;

import io.streamwatch.model.DeadLetter;
import java.io.IOException;
import java.io.Serializable;
import java.util.function.BiPredicate;
import java.util.function.Function;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

/**
 * A PostgreSQL sink of idempotent statements (upserts), written in batches: when a batch is full,
 * when the batch interval passed, and at every checkpoint, so a completed checkpoint means its rows
 * are stored. Rows written after the last checkpoint are written again on recovery, which the
 * upserts make harmless.
 *
 * <p>What the connector's sink could not do, and why this one exists: a row PostgreSQL refuses for
 * its content (SQLSTATE class 22 or 23) is written to the dead letters with its SQLSTATE, and the
 * rest of its batch is written; and a lost connection or an overloaded server (classes 08, 40, 53,
 * 57, 58) is retried with backoff for as long as it lasts, holding the job back instead of failing it.
 * Anything else (a missing table, a permission) fails the task: a restart, or a fix, is needed.
 *
 * @param <T> the element type
 */
public final class UpsertSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    private final JdbcSettings settings;
    private final Statement<T> statement;

    UpsertSink(JdbcSettings settings, Statement<T> statement) {
        this.settings = settings;
        this.statement = statement;
    }

    /**
     * @param table the table the statement writes, for the dead letters of refused rows
     * @param key the natural key of an element, to name a refused row
     * @param supersedes for tables whose rows are replaced, not merged: whether an element makes
     *     an earlier one with the same key in the same batch redundant, so that a batch never holds
     *     a key twice (the same rule as the statement's own guard); null to write every element
     */
    public static <T> UpsertSink<T> of(
            JdbcSettings settings,
            String table,
            String sql,
            JdbcStatementBuilder<T> binder,
            SerializableFunction<T, String> key,
            Supersedes<T> supersedes) {
        return new UpsertSink<>(settings, new Statement<>(table, sql, binder, key, supersedes));
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        return new UpsertWriter<>(settings, statement, context);
    }

    /** What the writer runs for each element, and how it names one it cannot write. */
    record Statement<T>(
            String table,
            String sql,
            JdbcStatementBuilder<T> binder,
            SerializableFunction<T, String> key,
            Supersedes<T> supersedes)
            implements Serializable {
        String stage() {
            return table + "-sink";
        }

        DeadLetter refused(T element, DeadLetter.ErrorCode code, Throwable why) {
            return DeadLetter.failedResult(stage(), table, key.apply(element), element, code, why);
        }
    }

    /** A function that travels with the job graph. */
    public interface SerializableFunction<A, B> extends Function<A, B>, Serializable {}

    /** Whether {@code candidate} replaces {@code current}, two elements with the same key. */
    public interface Supersedes<T> extends BiPredicate<T, T>, Serializable {}
}
