package io.streamwatch.alert;

import static io.streamwatch.alert.AlertFixtures.opened;
import static io.streamwatch.alert.AlertFixtures.routed;
import static io.streamwatch.testing.Events.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.alert.AlertDelivery.Status;
import io.streamwatch.model.Severity;
import io.streamwatch.sink.JdbcSettings;
import io.streamwatch.sink.SchemaManager;
import io.streamwatch.testkit.PostgresExtension;
import io.streamwatch.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The outbox upsert on real PostgreSQL: a row never moves back, replays change nothing, the ledger reads it. */
class JdbcAlertOutboxITCase {
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @Test
    void aDeliveryOnlyMovesForwardAndTheLedgerSeesWhatWasSent() throws Exception {
        TestDatabase db = POSTGRES.createDatabase("outbox");
        JdbcSettings settings = JdbcSettings.of(db.url(), db.user(), db.password());
        SchemaManager.migrate(settings);
        AlertEvent e = routed(opened("s", "ewma", Severity.CRITICAL, T0), "chat");
        e.receivedAt = T0;
        AlertDelivery pending = AlertDelivery.of(e, Status.PENDING);
        AlertDelivery failed = pending.with(Status.FAILED, 3, "gave up after 3 attempts, last: HTTP 500", null);
        AlertDelivery sent = pending.with(Status.SENT, 1, null, T0 + 2_000);

        // a replay after recovery: pending again, sent again with fewer attempts, out of order
        upsert(db, pending, failed, sent, pending, sent.with(Status.SENT, 1, null, T0 + 9_000));

        Map<String, Object> row = db.query("SELECT * FROM alert_deliveries").get(0);
        assertThat(row)
                .containsEntry("alert_event_id", "s|ewma|" + T0 + "|OPENED")
                .containsEntry("receiver", "chat")
                .containsEntry("anomaly_id", "s|ewma|" + T0)
                .containsEntry("event_kind", "FIRING")
                .containsEntry("severity", "CRITICAL")
                .containsEntry("status", "sent")
                .containsEntry("attempts", 3)
                .containsEntry("reason", null)
                .containsEntry("first_seen_at", Instant.ofEpochMilli(T0))
                .containsEntry("sent_at", Instant.ofEpochMilli(T0 + 9_000));
        assertThat(db.query("SELECT count(*) AS n FROM alert_deliveries").get(0))
                .containsEntry("n", 1L);
        try (DeliveryLedger ledger = new JdbcAlertOutbox(settings).ledger()) {
            assertThat(ledger.alreadySent("chat", List.of(e.id(), "other|OPENED")))
                    .containsExactly(e.id());
            assertThat(ledger.alreadySent("pager", List.of(e.id()))).isEmpty();
        }
    }

    @Test
    void anInhibitedAlertIsRecordedAndMayStillBeSentButASentOneIsNeverInhibitedAgain() throws Exception {
        TestDatabase db = POSTGRES.createDatabase("outbox_inhibited");
        SchemaManager.migrate(JdbcSettings.of(db.url(), db.user(), db.password()));
        AlertEvent e = routed(opened("s", "mad", Severity.WARNING, T0), "chat");
        e.receivedAt = T0;
        AlertDelivery pending = AlertDelivery.of(e, Status.PENDING);
        AlertDelivery inhibited =
                pending.with(Status.INHIBITED, 0, "inhibited by s|ewma|" + T0 + " (inhibit rule 0)", null);

        upsert(db, pending, inhibited, pending);
        assertThat(db.query("SELECT status, reason FROM alert_deliveries"))
                .containsExactly(Map.of("status", "inhibited", "reason", inhibited.reason));

        // released when its inhibitor resolved: queued (pending) again, then sent; a late replay of the
        // inhibited row changes nothing
        upsert(db, pending, pending.with(Status.SENT, 1, null, T0 + 60_000), inhibited);
        assertThat(db.query("SELECT status, attempts FROM alert_deliveries"))
                .containsExactly(Map.of("status", "sent", "attempts", 1));
    }

    @Test
    void theJobsPreflightCoversTheOutboxTable() {
        TestDatabase db = POSTGRES.createDatabase("outbox_preflight");
        JdbcSettings settings = JdbcSettings.of(db.url(), db.user(), db.password());
        SchemaManager.migrate(settings);
        SchemaManager.verify(settings, java.util.List.of(JdbcAlertOutbox.TABLE));

        db.execute("ALTER TABLE alert_deliveries DROP CONSTRAINT alert_deliveries_pkey");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> SchemaManager.verify(settings, java.util.List.of(JdbcAlertOutbox.TABLE)))
                .hasMessageContaining("table alert_deliveries lacks a unique constraint on (alert_event_id, receiver)");
    }

    private static void upsert(TestDatabase db, AlertDelivery... rows) throws Exception {
        try (Connection c = db.connect();
                PreparedStatement s = c.prepareStatement(JdbcAlertOutbox.UPSERT)) {
            for (AlertDelivery row : rows) {
                JdbcAlertOutbox.bind(s, row);
                s.executeUpdate();
            }
        }
    }
}
