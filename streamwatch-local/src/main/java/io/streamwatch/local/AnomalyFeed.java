package io.streamwatch.local;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * The local alert receiver: prints each anomaly in the terminal as the job writes it (opened, then
 * resolved). It reads the anomalies table, so it needs nothing of the alerting package; when alert
 * routing lands, its terminal channel is the place to print from instead.
 */
final class AnomalyFeed {
    private final String jdbcUrl;
    private final String user;
    private final Console console;
    private Timestamp seen = new Timestamp(0);

    AnomalyFeed(String jdbcUrl, String user, Console console) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.console = console;
    }

    void poll() {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, "");
                PreparedStatement s =
                        c.prepareStatement("SELECT series_key, detector, status, severity, opened_window_start, "
                                + "message, updated_at FROM anomalies WHERE updated_at > ? ORDER BY updated_at")) {
            s.setTimestamp(1, seen);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    seen = r.getTimestamp("updated_at");
                    Timestamp opened = r.getTimestamp("opened_window_start");
                    console.println(String.format(
                            "ALERT %-8s %-8s %-11s %s window %s  %s",
                            r.getString("status"),
                            r.getString("severity") == null ? "" : r.getString("severity"),
                            r.getString("detector"),
                            r.getString("series_key"),
                            opened == null ? "?" : Instant.ofEpochMilli(opened.getTime()),
                            r.getString("message") == null ? "" : r.getString("message")));
                }
            }
        } catch (SQLException e) {
            console.println("(alerts: cannot read the anomalies table: " + e.getMessage() + ")");
        }
    }
}
