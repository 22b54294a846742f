package io.streamwatch.source;

import java.io.Serializable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.TopicPartition;

/**
 * An offset of one Kafka partition, written {@code TOPIC:PARTITION=OFFSET} (e.g. {@code events:0=1200}):
 * Kafka topic names cannot hold ':' or '=', so the form is unambiguous.
 */
public record PartitionOffset(String topic, int partition, long offset) implements Serializable {
    public static final String FORM = "TOPIC:PARTITION=OFFSET, such as events:0=1200";
    private static final Pattern SYNTAX = Pattern.compile("([A-Za-z0-9._-]+):(\\d{1,9})=(\\d{1,18})");

    /** @throws IllegalArgumentException when the text is not in the form above */
    public static PartitionOffset parse(String text) {
        Matcher m = SYNTAX.matcher(text.strip());
        if (!m.matches()) throw new IllegalArgumentException("expected " + FORM);
        return new PartitionOffset(m.group(1), Integer.parseInt(m.group(2)), Long.parseLong(m.group(3)));
    }

    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }

    /** {@code TOPIC:PARTITION}, as the problems name a partition. */
    public String partitionName() {
        return topic + ":" + partition;
    }

    @Override
    public String toString() {
        return partitionName() + "=" + offset;
    }
}
