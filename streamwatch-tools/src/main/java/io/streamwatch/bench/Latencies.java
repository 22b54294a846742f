package io.streamwatch.bench;

import io.streamwatch.testkit.EmbeddedPostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Latency of the window rows of a live run: from a window's end in event time (the producer stamps
 * events with its wall clock, less the jitter) to the row's {@code updated_at}, PostgreSQL's now() of
 * the statement that wrote it (the start of its batch's transaction, committed a few milliseconds
 * later).
 */
record Latencies(long rows, int windows, double p50, double p99, double max) {

    /** Waits until every series has a row for the last window, then measures the windows in [firstStart, lastEnd]. */
    static Latencies await(String url, long firstStart, long lastEnd, int series, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        try (Connection c = DriverManager.getConnection(url, EmbeddedPostgresServer.USER, "")) {
            while (rowsOf(c, lastEnd) < series) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the job did not write the last window's rows within " + patience
                            + " (" + rowsOf(c, lastEnd) + " of " + series + ")");
                }
                Thread.sleep(200);
            }
            List<Double> millis = new ArrayList<>();
            int windows;
            try (PreparedStatement s = c.prepareStatement("SELECT extract(epoch FROM updated_at - window_end) * 1000"
                    + " FROM window_aggregates WHERE window_start >= ? AND window_end <= ?")) {
                s.setTimestamp(1, new Timestamp(firstStart));
                s.setTimestamp(2, new Timestamp(lastEnd));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) millis.add(rs.getDouble(1));
                }
            }
            windows = (int) ((lastEnd - firstStart) / 60_000L);
            if (millis.isEmpty()) throw new IllegalStateException("no window rows between the warm-up and the end");
            Collections.sort(millis);
            return new Latencies(
                    millis.size(),
                    windows,
                    quantile(millis, 0.50),
                    quantile(millis, 0.99),
                    millis.get(millis.size() - 1));
        }
    }

    private static long rowsOf(Connection c, long windowEnd) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM window_aggregates WHERE window_end = ?")) {
            s.setTimestamp(1, new Timestamp(windowEnd));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static double quantile(List<Double> sorted, double q) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1));
    }
}
