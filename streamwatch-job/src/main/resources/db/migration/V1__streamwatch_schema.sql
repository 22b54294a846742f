-- What the Streamwatch job writes. Each table's natural key is the conflict target of the sink's
-- upsert (io.streamwatch.sink.SinkStatements): replays after a failure rewrite the same rows instead
-- of adding new ones. SchemaManager.verify checks these keys before the job starts.

CREATE TABLE window_aggregates (
    series_key       text             NOT NULL,
    window_start     timestamptz      NOT NULL,
    window_end       timestamptz      NOT NULL,
    count            bigint           NOT NULL,
    sum              double precision NOT NULL,
    min              double precision NOT NULL,
    max              double precision NOT NULL,
    mean             double precision NOT NULL,
    stddev           double precision NOT NULL,
    first_event_time timestamptz      NOT NULL,
    last_event_time  timestamptz      NOT NULL,
    p50              double precision NOT NULL,
    p95              double precision NOT NULL,
    p99              double precision NOT NULL,
    revision         integer          NOT NULL,
    updated_at       timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT window_aggregates_pkey PRIMARY KEY (series_key, window_start, window_end)
);
COMMENT ON TABLE window_aggregates IS
    'Statistics of one series over one event-time window; a late firing rewrites the row with a higher revision.';
-- dashboards read all series over a time range
CREATE INDEX window_aggregates_window_start_idx ON window_aggregates (window_start);

CREATE TABLE anomalies (
    series_key            text             NOT NULL,
    detector              text             NOT NULL,
    opened_window_start   timestamptz      NOT NULL,
    status                text             NOT NULL,
    revision              integer          NOT NULL,
    severity              text,
    score                 double precision,
    observed              double precision,
    expected_low          double precision,
    expected_high         double precision,
    message               text,
    opened_window_end     timestamptz,
    resolved_window_start timestamptz,
    resolved_window_end   timestamptz,
    resolve_score         double precision,
    updated_at            timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT anomalies_pkey PRIMARY KEY (series_key, detector, opened_window_start),
    CONSTRAINT anomalies_status_check CHECK (
        (status = 'OPEN' AND revision = 1 AND resolved_window_start IS NULL)
        OR (status = 'RESOLVED' AND revision = 2 AND resolved_window_start IS NOT NULL))
);
COMMENT ON TABLE anomalies IS
    'One row per anomaly. The opening columns (severity .. opened_window_end) come from the OPENED event, '
    'the resolved_* columns from the RESOLVED one. A row whose RESOLVED event was written before its '
    'OPENED (possible only when replaying into a database that lost rows) has NULL opening columns until '
    'the OPENED event is replayed too.';
COMMENT ON COLUMN anomalies.score IS 'Detector score in [0, 1] when the anomaly opened.';
COMMENT ON COLUMN anomalies.resolve_score IS 'Detector score of the window that resolved the anomaly.';
COMMENT ON COLUMN anomalies.expected_low IS 'May be -Infinity: the detector had no lower bound.';
COMMENT ON COLUMN anomalies.expected_high IS 'May be Infinity: the detector had no upper bound.';
-- "what is open now" is the alerting dashboard's first question
CREATE INDEX anomalies_open_idx ON anomalies (opened_window_start) WHERE status = 'OPEN';

CREATE TABLE dead_letters (
    topic           text        NOT NULL,
    partition       integer     NOT NULL,
    kafka_offset    bigint      NOT NULL,
    kafka_timestamp timestamptz,
    payload         bytea       NOT NULL,
    error_code      text        NOT NULL,
    message         text,
    received_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT dead_letters_pkey PRIMARY KEY (topic, partition, kafka_offset)
);
COMMENT ON TABLE dead_letters IS
    'Kafka records that broke the event contract, with their raw bytes; keyed by where they were read.';
CREATE INDEX dead_letters_received_at_idx ON dead_letters (received_at);

CREATE TABLE late_events (
    topic        text             NOT NULL,
    partition    integer          NOT NULL,
    kafka_offset bigint           NOT NULL,
    event_id     text             NOT NULL,
    series_key   text             NOT NULL,
    event_time   timestamptz      NOT NULL,
    value        double precision NOT NULL,
    source       text,
    unit         text,
    attributes   jsonb,
    watermark    timestamptz      NOT NULL,
    received_at  timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT late_events_pkey PRIMARY KEY (topic, partition, kafka_offset)
);
COMMENT ON TABLE late_events IS
    'Valid events that arrived after their window closed for good; watermark is the aggregation''s at arrival.';
CREATE INDEX late_events_series_time_idx ON late_events (series_key, event_time);
