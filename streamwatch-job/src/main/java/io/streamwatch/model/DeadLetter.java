package io.streamwatch.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A record the job refused: one that broke the event contract (its raw bytes), or one a stage could
 * not process (the event or result as JSON), with where it came from and why.
 *
 * <p>Results that were not read from Kafka (a window aggregate a detector failed on, a row the
 * database refused) have {@link #partition} -1, {@link #topic} naming what they are, and an offset
 * that is a stable hash of their key, so that a replay writes the same row again.
 */
public class DeadLetter {
    /** Where records are dead-lettered when the contract refuses them. */
    public static final String CONTRACT_STAGE = "validate-contract";

    public String topic;
    public int partition;
    public long offset;
    /** The Kafka record timestamp, epoch milliseconds (-1 when the record had none). */
    public long kafkaTimestamp;
    /** The record value exactly as received; empty for a null (tombstone) value. */
    public byte[] payload;

    public ErrorCode errorCode;
    public String message;
    /** The operator that refused the record. */
    public String stage = CONTRACT_STAGE;
    /** The exception's class when a stage failed on the record; null for contract violations. */
    public String exceptionClass;
    /** How to read {@link #payload}: the bytes as read from Kafka, or the item as JSON. */
    public PayloadFormat payloadFormat = PayloadFormat.RAW;

    public DeadLetter() {}

    public DeadLetter(
            String topic,
            int partition,
            long offset,
            long kafkaTimestamp,
            byte[] payload,
            ErrorCode errorCode,
            String message) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.kafkaTimestamp = kafkaTimestamp;
        this.payload = payload;
        this.errorCode = errorCode;
        this.message = message;
    }

    /** A valid event a stage failed on: its lineage, and the event as JSON. */
    public static DeadLetter failedEvent(String stage, Event event, Throwable failure) {
        return failed(
                stage,
                event.topic,
                event.partition,
                event.offset,
                event.kafkaTimestamp,
                Json.bytes(event),
                ErrorCode.PROCESSING_ERROR,
                failure);
    }

    /**
     * A result that was not read from Kafka (an aggregate, an anomaly, a row).
     *
     * @param kind what it is, e.g. the table it was meant for
     * @param key its natural key, hashed into the offset
     */
    public static DeadLetter failedResult(
            String stage, String kind, String key, Object item, ErrorCode code, Throwable failure) {
        return failed(stage, kind, -1, stableHash(key), -1, Json.bytes(item), code, failure);
    }

    private static DeadLetter failed(
            String stage,
            String topic,
            int partition,
            long offset,
            long kafkaTimestamp,
            byte[] json,
            ErrorCode code,
            Throwable failure) {
        DeadLetter d = new DeadLetter(
                topic, partition, offset, kafkaTimestamp, json, code, SafeText.escape(describe(failure)));
        d.stage = stage;
        d.exceptionClass = failure.getClass().getName();
        d.payloadFormat = PayloadFormat.JSON;
        return d;
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return message.length() > 1000 ? message.substring(0, 1000) + "…" : message;
    }

    /** FNV-1a over the key's UTF-16 units, made non-negative: stable across JVMs and releases. */
    static long stableHash(String key) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) {
            h ^= key.charAt(i);
            h *= 0x100000001b3L;
        }
        return h & Long.MAX_VALUE;
    }

    /** How a dead letter's payload is encoded. Stable names: they are stored. */
    public enum PayloadFormat {
        RAW,
        JSON
    }

    /** Why a record was refused. Stable names: they are stored in the dead-letter table. */
    public enum ErrorCode {
        EMPTY_PAYLOAD,
        PAYLOAD_TOO_LARGE,
        MALFORMED_JSON,
        NOT_AN_OBJECT,
        MISSING_FIELD,
        WRONG_TYPE,
        NON_FINITE_VALUE,
        VALUE_OUT_OF_RANGE,
        INVALID_EVENT_TIME,
        EVENT_TIME_IN_FUTURE,
        EVENT_TIME_TOO_OLD,
        KEY_TOO_LONG,
        INVALID_TEXT,
        INVALID_ATTRIBUTES,
        UNKNOWN_FIELD,
        /** A stage threw while processing the record; the exception is named. */
        PROCESSING_ERROR,
        /** PostgreSQL refused the row for its content (SQLSTATE class 22 or 23). */
        ROW_REFUSED
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DeadLetter)) return false;
        DeadLetter d = (DeadLetter) o;
        return partition == d.partition
                && offset == d.offset
                && kafkaTimestamp == d.kafkaTimestamp
                && Objects.equals(topic, d.topic)
                && Arrays.equals(payload, d.payload)
                && errorCode == d.errorCode
                && Objects.equals(message, d.message)
                && Objects.equals(stage, d.stage)
                && Objects.equals(exceptionClass, d.exceptionClass)
                && payloadFormat == d.payloadFormat;
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset);
    }

    @Override
    public String toString() {
        return "DeadLetter{" + topic + "/" + partition + "@" + offset + ", " + stage + ", " + errorCode + ": " + message
                + "}";
    }
}
