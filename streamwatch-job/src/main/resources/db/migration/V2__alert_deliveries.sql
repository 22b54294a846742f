-- The alerting outbox: the state of every (alert event, receiver) delivery, upserted as it moves
-- from pending to sent, failed (a dead letter) or suppressed. Written by io.streamwatch.alert.JdbcAlertOutbox;
-- read back before each send, so that a message recorded as sent is not sent again after a restart.

CREATE TABLE alert_deliveries (
    alert_event_id text        NOT NULL,
    receiver       text        NOT NULL,
    anomaly_id     text,
    series_key     text,
    detector       text,
    event_kind     text        NOT NULL,
    severity       text,
    status         text        NOT NULL,
    attempts       integer     NOT NULL,
    reason         text,
    first_seen_at  timestamptz NOT NULL,
    sent_at        timestamptz,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT alert_deliveries_pkey PRIMARY KEY (alert_event_id, receiver),
    CONSTRAINT alert_deliveries_status_check CHECK (status IN ('pending', 'suppressed', 'failed', 'sent')),
    CONSTRAINT alert_deliveries_kind_check CHECK (event_kind IN ('FIRING', 'REPEAT', 'RESOLVED', 'STORM_SUMMARY'))
);
COMMENT ON TABLE alert_deliveries IS
    'One row per alert event (anomaly id | OPENED/RESOLVED, reminders with |repeat-n, storm-guard summaries) and receiver.';
COMMENT ON COLUMN alert_deliveries.reason IS 'Why it was suppressed (flap, silence, storm guard) or failed (the receiver''s answer).';
COMMENT ON COLUMN alert_deliveries.attempts IS 'HTTP requests made in the most thorough delivery run; restarts begin again at 1.';
-- dead letters and stuck deliveries are what operators look for
CREATE INDEX alert_deliveries_open_idx ON alert_deliveries (first_seen_at) WHERE status IN ('pending', 'failed');
