package io.streamwatch.source;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The Kafka source: where to read from, where to start and, for a replay of a range, where to stop.
 *
 * @param startTimestamp with {@link StartFrom#TIMESTAMP}: each partition starts at its first record
 *     stamped at or after it
 * @param startOffsets with {@link StartFrom#OFFSETS}: the first offset read, for every partition read
 * @param stopTimestamp with {@link StopAt#TIMESTAMP}: each partition ends before its first record
 *     stamped at or after it
 * @param stopOffsets with {@link StopAt#OFFSETS}: the offset each partition ends before (not read)
 */
public record SourceSettings(
        String bootstrapServers,
        List<String> topics,
        String topicPattern,
        String groupId,
        StartFrom startFrom,
        OffsetFallback committedFallback,
        Instant startTimestamp,
        List<PartitionOffset> startOffsets,
        StopAt stopAt,
        Instant stopTimestamp,
        List<PartitionOffset> stopOffsets,
        Duration partitionDiscoveryInterval,
        Map<String, String> kafkaProperties)
        implements Serializable {

    /** The settings' keys, for the problems found when the broker is asked at start. */
    public static final String STARTING_OFFSETS_KEY = "source.kafka.starting-partition-offsets";

    public static final String STOPPING_OFFSETS_KEY = "source.kafka.stopping-partition-offsets";

    public SourceSettings {
        startOffsets = List.copyOf(startOffsets);
        stopOffsets = List.copyOf(stopOffsets);
    }

    public enum StartFrom {
        COMMITTED,
        EARLIEST,
        LATEST,
        TIMESTAMP,
        OFFSETS
    }

    /** NONE: read on for ever; else the job ends by itself once every partition reached its end. */
    public enum StopAt {
        NONE,
        LATEST,
        TIMESTAMP,
        OFFSETS
    }

    public enum OffsetFallback {
        EARLIEST,
        LATEST
    }

    public boolean bounded() {
        return stopAt != StopAt.NONE;
    }
}
