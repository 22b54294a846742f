package io.streamwatch.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;

/**
 * The PostgreSQL sink. The password comes only from the environment variable named by
 * {@code sink.jdbc.password-env}; it is never logged.
 */
public record JdbcConfig(
        String url,
        String user,
        String password,
        int batchSize,
        Duration batchInterval,
        int maxRetries,
        boolean migrate) implements Serializable {

    static JdbcConfig read(ConfigReader r, Map<String, String> environment) {
        String p = "sink.jdbc.";
        String url = r.string(p + "url", "jdbc:postgresql://localhost:5432/streamwatch");
        if (url != null && !url.startsWith("jdbc:postgresql:")) {
            r.problem(p + "url", url, "expected a PostgreSQL JDBC URL such as jdbc:postgresql://host:5432/db");
        }
        String passwordEnv = r.string(p + "password-env", "STREAMWATCH_DB_PASSWORD");
        String password = environment.getOrDefault(passwordEnv, "");
        return new JdbcConfig(url, r.string(p + "user", "streamwatch"), password,
                r.intIn(p + "batch-size", 500, 1, 100_000),
                r.duration(p + "batch-interval", Duration.ofSeconds(1), Duration.ZERO),
                r.intIn(p + "max-retries", 5, 0, 100),
                r.bool(p + "migrate", true));
    }

    @Override
    public String toString() {
        return "JdbcConfig{url=" + url + ", user=" + user + ", password=******, batchSize=" + batchSize
                + ", batchInterval=" + batchInterval + ", maxRetries=" + maxRetries + ", migrate=" + migrate + "}";
    }
}
