package io.streamwatch.model;

import java.util.Objects;

/**
 * What became of the records of one Kafka partition that arrived in one minute (by their Kafka
 * timestamp): a row of the ingest ledger, or a delta of one. Every record read is exactly one of
 * valid, invalid (refused by the contract) or quarantined (a stage failed on it); duplicates, late
 * accepted and late dropped count valid records again, by what happened to them.
 */
public class LedgerCounts {
    public String topic;
    public int partition;
    /** Start of the minute of arrival, epoch milliseconds (0 for records without a Kafka timestamp). */
    public long arrivalMinute;

    public long read;
    public long valid;
    public long invalid;
    public long quarantined;
    public long duplicates;
    public long lateAccepted;
    public long lateDropped;
    /** Lowest and highest offset read; {@code Long.MAX_VALUE} and -1 when this delta read none. */
    public long firstOffset = Long.MAX_VALUE;

    public long lastOffset = -1;

    public LedgerCounts() {}

    private LedgerCounts(String topic, int partition, long kafkaTimestamp) {
        this.topic = topic;
        this.partition = partition;
        this.arrivalMinute = kafkaTimestamp < 0 ? 0 : Math.floorDiv(kafkaTimestamp, 60_000L) * 60_000L;
    }

    /** An empty delta for the records of this partition and minute. */
    public static LedgerCounts at(String topic, int partition, long kafkaTimestamp) {
        return new LedgerCounts(topic, partition, kafkaTimestamp);
    }

    public static LedgerCounts of(Event e) {
        return at(e.topic, e.partition, e.kafkaTimestamp);
    }

    /** Whether a record with this Kafka timestamp arrived in this row's minute. */
    public boolean covers(long kafkaTimestamp) {
        return kafkaTimestamp < 0
                ? arrivalMinute == 0
                : kafkaTimestamp - arrivalMinute >= 0 && kafkaTimestamp - arrivalMinute < 60_000L;
    }

    /** The key of the ledger row this delta belongs to. */
    public String rowKey() {
        return topic + '\u0000' + partition + '\u0000' + arrivalMinute;
    }

    public LedgerCounts readAt(long offset) {
        read++;
        firstOffset = Math.min(firstOffset, offset);
        lastOffset = Math.max(lastOffset, offset);
        return this;
    }

    public LedgerCounts valid() {
        valid++;
        return this;
    }

    public LedgerCounts invalid() {
        invalid++;
        return this;
    }

    /** A record read as valid that a later stage failed on. */
    public LedgerCounts quarantinedAfterValidation() {
        valid--;
        quarantined++;
        return this;
    }

    /** A record that failed before it could be validated. */
    public LedgerCounts quarantined() {
        quarantined++;
        return this;
    }

    public LedgerCounts duplicate() {
        duplicates++;
        return this;
    }

    public LedgerCounts lateAccepted() {
        lateAccepted++;
        return this;
    }

    public LedgerCounts lateDropped() {
        lateDropped++;
        return this;
    }

    public void add(LedgerCounts d) {
        read += d.read;
        valid += d.valid;
        invalid += d.invalid;
        quarantined += d.quarantined;
        duplicates += d.duplicates;
        lateAccepted += d.lateAccepted;
        lateDropped += d.lateDropped;
        firstOffset = Math.min(firstOffset, d.firstOffset);
        lastOffset = Math.max(lastOffset, d.lastOffset);
    }

    public LedgerCounts copy() {
        LedgerCounts c = at(topic, partition, -1);
        c.arrivalMinute = arrivalMinute;
        c.add(this);
        return c;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LedgerCounts)) return false;
        LedgerCounts c = (LedgerCounts) o;
        return partition == c.partition
                && arrivalMinute == c.arrivalMinute
                && read == c.read
                && valid == c.valid
                && invalid == c.invalid
                && quarantined == c.quarantined
                && duplicates == c.duplicates
                && lateAccepted == c.lateAccepted
                && lateDropped == c.lateDropped
                && firstOffset == c.firstOffset
                && lastOffset == c.lastOffset
                && Objects.equals(topic, c.topic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, arrivalMinute);
    }

    @Override
    public String toString() {
        return "LedgerCounts{" + topic + "/" + partition + "@" + arrivalMinute + ": read " + read + ", valid " + valid
                + ", invalid " + invalid + ", quarantined " + quarantined + ", duplicates " + duplicates
                + ", late " + lateAccepted + "/" + lateDropped + ", offsets " + firstOffset + ".." + lastOffset + "}";
    }
}
