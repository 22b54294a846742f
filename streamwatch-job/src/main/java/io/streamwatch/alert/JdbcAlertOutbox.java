package io.streamwatch.alert;

import io.streamwatch.sink.JdbcSettings;
import io.streamwatch.sink.SinkTable;
import io.streamwatch.sink.UpsertSink;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * The outbox as the PostgreSQL table {@code alert_deliveries} (migration V2), keyed on
 * (alert_event_id, receiver). The upsert never moves a row back to a lower status
 * (pending &lt; inhibited &lt; suppressed &lt; failed &lt; sent), so replays after a failure and rows arriving out of
 * order leave the latest state.
 */
public final class JdbcAlertOutbox implements AlertOutbox {

    /** What the outbox needs of its table, for the job's preflight check. */
    public static final SinkTable TABLE = new SinkTable(
            "alert_deliveries",
            List.of("alert_event_id", "receiver"),
            List.of(
                    "anomaly_id",
                    "series_key",
                    "detector",
                    "event_kind",
                    "severity",
                    "status",
                    "attempts",
                    "reason",
                    "first_seen_at",
                    "sent_at"),
            "updated_at");

    static final String UPSERT = "INSERT INTO alert_deliveries (alert_event_id, receiver, anomaly_id, series_key,"
            + " detector, event_kind, severity, status, attempts, reason, first_seen_at, sent_at, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())"
            + " ON CONFLICT (alert_event_id, receiver) DO UPDATE SET"
            + " status = EXCLUDED.status,"
            + " attempts = GREATEST(alert_deliveries.attempts, EXCLUDED.attempts),"
            + " reason = EXCLUDED.reason,"
            + " first_seen_at = LEAST(alert_deliveries.first_seen_at, EXCLUDED.first_seen_at),"
            + " sent_at = COALESCE(EXCLUDED.sent_at, alert_deliveries.sent_at),"
            + " updated_at = EXCLUDED.updated_at"
            + " WHERE " + rank("EXCLUDED.status") + " >= " + rank("alert_deliveries.status");

    static final String SENT = "SELECT alert_event_id FROM alert_deliveries"
            + " WHERE receiver = ? AND status = 'sent' AND alert_event_id = ANY (?)";

    private final JdbcSettings settings;

    public JdbcAlertOutbox(JdbcSettings settings) {
        this.settings = settings;
    }

    @Override
    public Sink<AlertDelivery> sink() {
        // rows merge (attempts, first_seen_at): every version is written, none replaces another in a batch
        return UpsertSink.of(
                settings, TABLE.name(), UPSERT, JdbcAlertOutbox::bind, d -> d.alertEventId + '/' + d.receiver, null);
    }

    @Override
    public DeliveryLedger ledger() {
        return new Ledger(settings);
    }

    static void bind(PreparedStatement s, AlertDelivery d) throws SQLException {
        s.setString(1, d.alertEventId);
        s.setString(2, d.receiver);
        s.setString(3, d.anomalyId);
        s.setString(4, d.seriesKey);
        s.setString(5, d.detector);
        s.setString(6, d.eventKind);
        s.setString(7, d.severity);
        s.setString(8, d.status.name().toLowerCase(Locale.ROOT));
        s.setInt(9, d.attempts);
        s.setString(10, d.reason);
        s.setObject(11, utc(d.firstSeenAt), Types.TIMESTAMP_WITH_TIMEZONE);
        s.setObject(12, d.sentAt == null ? null : utc(d.sentAt), Types.TIMESTAMP_WITH_TIMEZONE);
    }

    /** timestamptz from epoch milliseconds, independent of the JVM's time zone. */
    private static OffsetDateTime utc(long epochMillis) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
    }

    /** Position of a status in the order deliveries move through. */
    private static String rank(String column) {
        return "array_position(ARRAY['pending', 'inhibited', 'suppressed', 'failed', 'sent'], " + column + ")";
    }

    /** One connection per delivery subtask, opened on first use and again after an error. */
    private static final class Ledger implements DeliveryLedger {
        private final JdbcSettings settings;
        private transient Connection connection;

        Ledger(JdbcSettings settings) {
            this.settings = settings;
        }

        @Override
        public Set<String> alreadySent(String receiver, Collection<String> alertEventIds) throws SQLException {
            try {
                if (connection == null || connection.isClosed()) {
                    Properties properties = new Properties();
                    if (settings.user() != null) properties.setProperty("user", settings.user());
                    if (settings.password() != null) properties.setProperty("password", settings.password());
                    connection = new org.postgresql.Driver().connect(settings.url(), properties);
                }
                try (PreparedStatement s = connection.prepareStatement(SENT)) {
                    s.setString(1, receiver);
                    s.setArray(2, connection.createArrayOf("text", alertEventIds.toArray()));
                    Set<String> sent = new HashSet<>();
                    try (ResultSet rows = s.executeQuery()) {
                        while (rows.next()) sent.add(rows.getString(1));
                    }
                    return sent;
                }
            } catch (SQLException e) {
                close();
                throw e;
            }
        }

        @Override
        public void close() {
            try {
                if (connection != null) connection.close();
            } catch (SQLException ignored) {
                // closing a broken connection: nothing left to do
            }
            connection = null;
        }
    }
}
