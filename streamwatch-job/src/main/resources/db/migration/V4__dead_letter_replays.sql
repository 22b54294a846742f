-- Dead letters re-published by ./streamwatch dead-letters replay: how often, when, where to and
-- through which field mapping. Only that command writes these columns. The job's own write of a
-- dead letter (io.streamwatch.sink.SinkStatements.DEAD_LETTERS, ON CONFLICT DO NOTHING) never
-- names them, so a replay of the topic that refuses the same record again keeps its marks.

ALTER TABLE dead_letters
    ADD COLUMN replay_count          integer NOT NULL DEFAULT 0,
    ADD COLUMN replayed_at           timestamptz,
    ADD COLUMN replayed_to_topic     text,
    ADD COLUMN replayed_to_partition integer,
    ADD COLUMN replayed_to_offset    bigint,
    ADD COLUMN replay_mapping        text;
COMMENT ON COLUMN dead_letters.replay_count IS 'How often the record was re-published; 0: never.';
COMMENT ON COLUMN dead_letters.replayed_at IS 'When it was last re-published (the broker acknowledged it).';
COMMENT ON COLUMN dead_letters.replayed_to_offset IS
    'Where the last re-published copy is: topic, partition and offset, as the job''s tables key records.';
COMMENT ON COLUMN dead_letters.replay_mapping IS
    'The field mapping the last copy went through (e.g. rename id=event_id; fix value=number); NULL: byte for byte.';
