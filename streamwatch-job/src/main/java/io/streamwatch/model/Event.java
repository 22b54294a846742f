package io.streamwatch.model;

import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * A validated event, with the Kafka coordinates it was read from (its lineage). Serialized by
 * {@link EventTypeInfo}: a new field must be written there too (its test fails until it is).
 */
@TypeInfo(EventTypeInfo.Factory.class)
public class Event {
    public String eventId;
    public String seriesKey;
    /** Event time, epoch milliseconds. */
    public long eventTime;

    public double value;
    /** Optional: who produced the event; may be null. */
    public String source;
    /** Optional: unit of {@link #value}; may be null. */
    public String unit;
    /** Optional string attributes; never null. */
    @TypeInfo(StringMapTypeInfoFactory.class)
    public Map<String, String> attributes = Map.of();

    public String topic;
    public int partition;
    public long offset;
    /** The Kafka record timestamp, epoch milliseconds (-1 when the record had none): its time of arrival. */
    public long kafkaTimestamp = -1;
    /**
     * The watermark of its partition just before it was read: the partition's highest event time
     * so far, less the out-of-orderness (see {@code PartitionClock}). Whether the event is late is
     * decided against this, so the decision depends on the topic alone, not on how fast or in which
     * interleaving the partitions are read. {@link Long#MIN_VALUE} for a partition's first event.
     */
    public long partitionWatermark = Long.MIN_VALUE;

    public Event() {}

    public Event(String eventId, String seriesKey, long eventTime, double value) {
        this.eventId = eventId;
        this.seriesKey = seriesKey;
        this.eventTime = eventTime;
        this.value = value;
    }

    public Event withLineage(String topic, int partition, long offset) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        return this;
    }

    public Event withLineage(String topic, int partition, long offset, long kafkaTimestamp) {
        this.kafkaTimestamp = kafkaTimestamp;
        return withLineage(topic, partition, offset);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Event)) return false;
        Event e = (Event) o;
        return eventTime == e.eventTime
                && Double.compare(value, e.value) == 0
                && partition == e.partition
                && offset == e.offset
                && kafkaTimestamp == e.kafkaTimestamp
                && Objects.equals(eventId, e.eventId)
                && Objects.equals(seriesKey, e.seriesKey)
                && Objects.equals(source, e.source)
                && Objects.equals(unit, e.unit)
                && Objects.equals(attributes, e.attributes)
                && Objects.equals(topic, e.topic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, seriesKey, eventTime, topic, partition, offset);
    }

    @Override
    public String toString() {
        return "Event{" + eventId + ", " + seriesKey + ", t=" + eventTime + ", v=" + value + ", " + topic + "/"
                + partition + "@" + offset + "}";
    }
}
