package io.streamwatch.bench;

import io.streamwatch.serde.ContractSettings;
import io.streamwatch.serde.EventParser;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The ceiling: one thread, a plain {@link KafkaConsumer} and the job's {@link EventParser} (exactly
 * what the job's Kafka deserializer calls), reading the topic from its first offset to its end and
 * discarding the events. Nothing a job does after parsing can be faster than this.
 */
final class RawCeiling {
    private RawCeiling() {}

    static Map<String, Object> run(RunSpec spec) {
        EventParser parser = new EventParser(ContractSettings.defaults());
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        BenchRun.Clock clock = new BenchRun.Clock();
        clock.start();
        long read = 0;
        long valid = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(spec.topic()).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (!atEnd(consumer, end)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    read++;
                    if (parser.parse(
                                    r.topic(),
                                    r.partition(),
                                    r.offset(),
                                    r.timestamp(),
                                    r.value(),
                                    System.currentTimeMillis())
                            .isValid()) valid++;
                }
            }
        }
        clock.stop();
        Map<String, Object> figures = clock.figures();
        figures.put("read", read);
        // printed, so that the parsing cannot be optimised away
        figures.put("valid", valid);
        return figures;
    }

    private static boolean atEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) return false;
        }
        return true;
    }
}
