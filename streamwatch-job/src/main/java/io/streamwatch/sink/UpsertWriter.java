package io.streamwatch.sink;

import io.streamwatch.model.DeadLetter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes an {@link UpsertSink}'s batches; see there for what it retries and what it isolates. */
final class UpsertWriter<T> implements SinkWriter<T> {
    private static final Logger LOG = LoggerFactory.getLogger(UpsertWriter.class);
    /** SQLSTATE classes of failures that pass: connection, transaction rollback, resources, shutdown, system. */
    private static final Set<String> TRANSIENT = Set.of("08", "40", "53", "57", "58");
    /** SQLSTATE classes of rows refused for what they hold: data exception, integrity constraint. */
    private static final Set<String> CONTENT = Set.of("22", "23");

    private static final long FIRST_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5_000;

    private final JdbcSettings settings;
    private final UpsertSink.Statement<T> statement;
    private final ProcessingTimeService timers;
    private final List<T> batch = new ArrayList<>();
    private final Map<String, T> latest = new LinkedHashMap<>();
    private final Counter rowsWritten;
    private final Counter rowsRefused;
    private final Counter writeRetries;

    private Connection connection;
    private PreparedStatement prepared;
    private boolean flushScheduled;

    UpsertWriter(JdbcSettings settings, UpsertSink.Statement<T> statement, WriterInitContext context) {
        this.settings = settings;
        this.statement = statement;
        this.timers = context.getProcessingTimeService();
        this.rowsWritten = context.metricGroup().counter("rowsWritten");
        this.rowsRefused = context.metricGroup().counter("rowsRefused");
        this.writeRetries = context.metricGroup().counter("writeRetries");
    }

    @Override
    public void write(T element, Context context) throws IOException {
        if (statement.supersedes() != null) {
            String key = statement.key().apply(element);
            T current = latest.get(key);
            if (current == null || statement.supersedes().test(element, current)) {
                latest.remove(key); // re-inserted last, so rows keep the order of their latest versions
                latest.put(key, element);
            }
        } else {
            batch.add(element);
        }
        if (pending() >= settings.batchSize()) {
            flush(false);
        } else if (!flushScheduled && settings.batchIntervalMs() > 0) {
            flushScheduled = true;
            timers.registerTimer(timers.getCurrentProcessingTime() + settings.batchIntervalMs(), t -> {
                flushScheduled = false;
                flush(false);
            });
        }
    }

    private int pending() {
        return batch.size() + latest.size();
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
        if (pending() == 0) return;
        List<T> rows = new ArrayList<>(batch);
        rows.addAll(latest.values());
        writeUntilStored(rows);
        rowsWritten.inc(rows.size());
        batch.clear();
        latest.clear();
    }

    /** Writes the rows, retrying transient failures with backoff; returns once every row is stored or dead-lettered. */
    private void writeUntilStored(List<T> rows) throws IOException {
        long backoff = FIRST_BACKOFF_MS;
        for (int attempt = 1; ; attempt++) {
            Throwable failure;
            String state;
            try {
                try {
                    executeBatch(rows);
                } catch (RefusedRowException e) {
                    writeOneByOne(rows);
                } catch (SQLException e) {
                    if (!isContent(e)) throw e;
                    writeOneByOne(rows);
                }
                return;
            } catch (SQLException e) {
                if (!isTransient(e)) throw fatal(e, e.getSQLState());
                failure = e;
                state = e.getSQLState();
            } catch (RuntimeException | AssertionError e) {
                // the driver can fail in other ways when its connection dies under it (with -ea, an
                // assertion): transient if the connection is gone, a bug otherwise
                if (!connectionLost()) throw e;
                failure = e;
                state = "connection lost";
            }
            closeQuietly();
            writeRetries.inc();
            if (attempt == 1 || attempt % 10 == 0) {
                LOG.warn(
                        "Writing {} failed ({}, attempt {}); retrying in {} ms: {}",
                        statement.table(),
                        state,
                        attempt,
                        backoff,
                        failure.toString());
            }
            sleep(backoff);
            backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }
    }

    private IOException fatal(SQLException e, String state) {
        return new IOException(
                "PostgreSQL failed writing " + statement.table() + " (SQLSTATE " + state
                        + "); this is not a problem of the data and needs a fix or a restart: " + e.getMessage(),
                e);
    }

    private boolean connectionLost() {
        try {
            return connection == null || !connection.isValid(2);
        } catch (SQLException e) {
            return true;
        }
    }

    private void executeBatch(List<T> rows) throws SQLException, RefusedRowException {
        PreparedStatement s = prepared();
        for (T row : rows) {
            bind(s, row);
            s.addBatch();
        }
        s.executeBatch();
    }

    /** After a batch was refused for its content: every row alone, the refused ones to the dead letters. */
    private void writeOneByOne(List<T> rows) throws SQLException {
        List<DeadLetter> refused = new ArrayList<>();
        for (T row : rows) {
            try {
                PreparedStatement s = prepared();
                bind(s, row);
                s.executeUpdate();
            } catch (RefusedRowException e) {
                refused.add(statement.refused(row, DeadLetter.ErrorCode.PROCESSING_ERROR, e.getCause()));
            } catch (SQLException e) {
                if (!isContent(e)) throw e;
                refused.add(statement.refused(
                        row,
                        DeadLetter.ErrorCode.ROW_REFUSED,
                        new SQLException("SQLSTATE " + e.getSQLState() + ": " + e.getMessage(), e.getSQLState())));
            }
        }
        if (refused.isEmpty()) return;
        LOG.warn(
                "PostgreSQL refused {} row(s) of {}; they are in dead_letters: {}",
                refused.size(),
                statement.table(),
                refused);
        rowsRefused.inc(refused.size());
        try (PreparedStatement s = connection().prepareStatement(SinkStatements.DEAD_LETTERS.sql())) {
            for (DeadLetter d : refused) {
                SinkStatements.bindDeadLetter(s, d);
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private void bind(PreparedStatement s, T row) throws SQLException, RefusedRowException {
        try {
            s.clearParameters();
            statement.binder().accept(s, row);
        } catch (RuntimeException e) {
            throw new RefusedRowException(e);
        }
    }

    private PreparedStatement prepared() throws SQLException {
        if (prepared == null) prepared = connection().prepareStatement(statement.sql());
        return prepared;
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            Properties p = new Properties();
            if (settings.user() != null) p.setProperty("user", settings.user());
            if (settings.password() != null) p.setProperty("password", settings.password());
            // without timeouts a server that stops answering would hang the task for good
            p.setProperty("connectTimeout", "10");
            p.setProperty("socketTimeout", "300");
            p.setProperty("tcpKeepAlive", "true");
            connection = new org.postgresql.Driver().connect(settings.url(), p);
            if (connection == null) throw new SQLException("not a PostgreSQL URL: " + settings.redactedUrl(), "08001");
            connection.setAutoCommit(true);
        }
        return connection;
    }

    private static boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        // no state: the driver lost the connection before the server said anything
        return state == null || state.length() < 2 || TRANSIENT.contains(state.substring(0, 2));
    }

    private static boolean isContent(SQLException e) {
        for (SQLException c = e; c != null; c = c.getNextException()) {
            String state = c.getSQLState();
            if (state != null && state.length() >= 2 && CONTENT.contains(state.substring(0, 2))) return true;
        }
        return false;
    }

    private static void sleep(long millis) throws InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry a write");
        }
    }

    private void closeQuietly() {
        try {
            if (connection != null) connection.close();
        } catch (SQLException ignored) {
            // the connection is already broken; a new one is opened on the next attempt
        }
        connection = null;
        prepared = null;
    }

    @Override
    public void close() {
        closeQuietly();
    }

    /** A binder that threw: the row cannot be written as it is. */
    private static final class RefusedRowException extends Exception {
        RefusedRowException(RuntimeException cause) {
            super(cause);
        }
    }
}
