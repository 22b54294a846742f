package io.streamwatch.model;

import java.util.Arrays;
import java.util.Objects;

/** A record that broke the event contract: its raw bytes, where it came from and why it was refused. */
public class DeadLetter {
    public String topic;
    public int partition;
    public long offset;
    /** The Kafka record timestamp, epoch milliseconds (-1 when the record had none). */
    public long kafkaTimestamp;
    /** The record value exactly as received; empty for a null (tombstone) value. */
    public byte[] payload;

    public ErrorCode errorCode;
    public String message;

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
        UNKNOWN_FIELD
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
                && Objects.equals(message, d.message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset);
    }

    @Override
    public String toString() {
        return "DeadLetter{" + topic + "/" + partition + "@" + offset + ", " + errorCode + ": " + message + "}";
    }
}
