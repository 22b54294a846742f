package io.streamwatch.source;

import io.streamwatch.model.Ingested;
import io.streamwatch.serde.ContractSettings;
import io.streamwatch.serde.EventParser;
import io.streamwatch.serde.KafkaEventDeserializer;
import java.util.regex.Pattern;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.KafkaSourceOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Builds the Kafka source from configuration: topics or a pattern, where to start, client properties. */
public final class KafkaIngest {
    private KafkaIngest() {}

    /** A builder, so that tests can add {@code setBounded(...)} and still read like production. */
    public static KafkaSourceBuilder<Ingested> builder(SourceSettings source, ContractSettings contract) {
        KafkaSourceBuilder<Ingested> b = KafkaSource.<Ingested>builder()
                .setBootstrapServers(source.bootstrapServers())
                .setGroupId(source.groupId())
                .setStartingOffsets(startingOffsets(source))
                .setDeserializer(new KafkaEventDeserializer(new EventParser(contract)));
        if (source.topicPattern() != null) {
            b.setTopicPattern(Pattern.compile(source.topicPattern()));
        } else {
            b.setTopics(source.topics());
        }
        // user properties first, so that the settings below are the ones in force
        source.kafkaProperties().forEach(b::setProperty);
        b.setProperty(
                KafkaSourceOptions.PARTITION_DISCOVERY_INTERVAL_MS.key(),
                String.valueOf(source.partitionDiscoveryInterval().toMillis()));
        return b;
    }

    @SuppressWarnings("deprecation") // the connector's API still takes OffsetResetStrategy
    static OffsetsInitializer startingOffsets(SourceSettings source) {
        return switch (source.startFrom()) {
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case TIMESTAMP ->
                OffsetsInitializer.timestamp(source.startTimestamp().toEpochMilli());
            case COMMITTED ->
                OffsetsInitializer.committedOffsets(
                        source.committedFallback() == SourceSettings.OffsetFallback.EARLIEST
                                ? OffsetResetStrategy.EARLIEST
                                : OffsetResetStrategy.LATEST);
        };
    }
}
