package io.streamwatch.source;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The Kafka source: where to read from and where to start. */
public record SourceSettings(
        String bootstrapServers,
        List<String> topics,
        String topicPattern,
        String groupId,
        StartFrom startFrom,
        OffsetFallback committedFallback,
        Instant startTimestamp,
        Duration partitionDiscoveryInterval,
        Map<String, String> kafkaProperties)
        implements Serializable {

    public enum StartFrom {
        COMMITTED,
        EARLIEST,
        LATEST,
        TIMESTAMP
    }

    public enum OffsetFallback {
        EARLIEST,
        LATEST
    }
}
