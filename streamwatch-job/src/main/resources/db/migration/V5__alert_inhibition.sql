-- Alerts an inhibit rule holds back are recorded as 'inhibited' (io.streamwatch.alert.NotificationGate).
-- It ranks between pending and suppressed: the upsert never moves a row back, and an inhibited alert
-- may still be sent (or suppressed by the storm guard) once the alert that inhibited it resolves.

ALTER TABLE alert_deliveries
    DROP CONSTRAINT alert_deliveries_status_check,
    ADD CONSTRAINT alert_deliveries_status_check
        CHECK (status IN ('pending', 'inhibited', 'suppressed', 'failed', 'sent'));
COMMENT ON COLUMN alert_deliveries.reason IS
    'Why it was suppressed (flap, silence, storm guard), inhibited (by which alert, under which rule) or failed '
    '(the receiver''s answer).';
