package io.streamwatch.config;

import io.streamwatch.sink.JdbcSettings;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;

/**
 * The PostgreSQL sink, and whether the job applies the schema migrations at start-up. The password
 * comes only from the environment variable named by {@code sink.jdbc.password-env}.
 */
public record JdbcConfig(JdbcSettings settings, boolean migrate) implements Serializable {

    static JdbcConfig read(ConfigReader r, Map<String, String> environment) {
        String p = "sink.jdbc.";
        String url = r.string(p + "url", "jdbc:postgresql://localhost:5432/streamwatch");
        String user = r.string(p + "user", "streamwatch");
        String passwordEnv = r.string(p + "password-env", "STREAMWATCH_DB_PASSWORD");
        int batchSize = r.intIn(p + "batch-size", JdbcSettings.DEFAULT_BATCH_SIZE, 1, 100_000);
        Duration interval = r.duration(p + "batch-interval",
                Duration.ofMillis(JdbcSettings.DEFAULT_BATCH_INTERVAL_MS), Duration.ZERO);
        int retries = r.intIn(p + "max-retries", JdbcSettings.DEFAULT_MAX_RETRIES, 0, 100);
        boolean migrate = r.bool(p + "migrate", true);
        try {
            return new JdbcConfig(new JdbcSettings(url, user, environment.get(passwordEnv), batchSize,
                    interval.toMillis(), retries), migrate);
        } catch (IllegalArgumentException e) {
            r.problem(p + "url", e.getMessage());
            return null;
        }
    }
}
