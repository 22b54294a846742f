package io.streamwatch.sink;

import io.streamwatch.model.Redaction;
import java.io.Serializable;
import java.util.Objects;

/**
 * Where and how the sinks write. A value object that travels with the job graph to the task
 * managers. {@link #toString()} masks the password, so the settings can be logged and shown in the
 * web UI; use {@link #redactedUrl()} in messages, since a URL may carry a password parameter too.
 *
 * @param url a PostgreSQL JDBC URL ({@code jdbc:postgresql://host:port/db}); the statements use
 *     PostgreSQL's ON CONFLICT and jsonb, so no other database will do
 * @param user may be null when the URL or the server's authentication needs none
 * @param password may be null; take it from the environment, never from a configuration file
 * @param batchSize rows buffered per sink subtask before they are written in one batch
 * @param batchIntervalMs the longest a buffered row waits for its batch to fill; 0 waits for the
 *     batch size or the next checkpoint only
 * @param maxRetries attempts after a failed batch, reconnecting in between; each retry rewrites the
 *     whole batch, which the idempotent statements make harmless
 */
public record JdbcSettings(
        String url, String user, String password, int batchSize, long batchIntervalMs, int maxRetries)
        implements Serializable {

    public static final int DEFAULT_BATCH_SIZE = 500;
    public static final long DEFAULT_BATCH_INTERVAL_MS = 200;
    public static final int DEFAULT_MAX_RETRIES = 3;

    public JdbcSettings {
        Objects.requireNonNull(url, "url");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException(
                    "sink URL must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db), was " + redact(url));
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        }
        if (batchIntervalMs < 0) {
            throw new IllegalArgumentException("batchIntervalMs must not be negative, was " + batchIntervalMs);
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative, was " + maxRetries);
        }
    }

    /** Settings with the default batching and retries. */
    public static JdbcSettings of(String url, String user, String password) {
        return new JdbcSettings(
                url, user, password, DEFAULT_BATCH_SIZE, DEFAULT_BATCH_INTERVAL_MS, DEFAULT_MAX_RETRIES);
    }

    /** The URL with credentials (password parameters, {@code user:password@}) replaced by ***. */
    public String redactedUrl() {
        return redact(url);
    }

    private static String redact(String url) {
        return Redaction.mask(url);
    }

    @Override
    public String toString() {
        return "JdbcSettings{url=" + redactedUrl() + ", user=" + user
                + ", password=" + (password == null ? "(none)" : "***")
                + ", batchSize=" + batchSize + ", batchIntervalMs=" + batchIntervalMs
                + ", maxRetries=" + maxRetries + "}";
    }
}
