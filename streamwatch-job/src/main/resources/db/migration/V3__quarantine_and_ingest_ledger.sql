-- Dead letters now also hold records a stage failed on (not only contract violations), and rows
-- PostgreSQL refused; the ingest ledger accounts for every record read.

ALTER TABLE dead_letters
    ADD COLUMN stage           text NOT NULL DEFAULT 'validate-contract',
    ADD COLUMN exception_class text,
    ADD COLUMN payload_format  text NOT NULL DEFAULT 'RAW';
COMMENT ON COLUMN dead_letters.stage IS
    'The operator that refused the record: validate-contract for contract violations, read-events for a parser failure, '
    'otherwise the stage that threw, or <table>-sink for a row the database refused.';
COMMENT ON COLUMN dead_letters.payload_format IS
    'RAW: payload holds the Kafka record value as read. JSON: the stage had no bytes any more; payload is the item as JSON.';
COMMENT ON COLUMN dead_letters.partition IS
    '-1 for items not read from Kafka (an aggregate, an anomaly, a refused row): topic then names the kind, '
    'and kafka_offset is a stable hash of the item''s key.';
CREATE INDEX dead_letters_error_code_idx ON dead_letters (error_code, received_at);

CREATE TABLE ingest_ledger (
    topic          text        NOT NULL,
    partition      integer     NOT NULL,
    arrival_minute timestamptz NOT NULL,
    records_read   bigint      NOT NULL,
    valid          bigint      NOT NULL,
    invalid        bigint      NOT NULL,
    quarantined    bigint      NOT NULL,
    duplicates     bigint      NOT NULL,
    late_accepted  bigint      NOT NULL,
    late_dropped   bigint      NOT NULL,
    first_offset   bigint,
    last_offset    bigint,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ingest_ledger_pkey PRIMARY KEY (topic, partition, arrival_minute),
    CONSTRAINT ingest_ledger_balance CHECK (records_read = valid + invalid + quarantined)
);
COMMENT ON TABLE ingest_ledger IS
    'What became of the records of one partition that arrived in one minute (their Kafka timestamp). '
    'records_read = valid + invalid + quarantined; duplicates, late_accepted and late_dropped count valid records '
    'again. Written exactly-once with the other tables: restarts do not count a record twice.';
