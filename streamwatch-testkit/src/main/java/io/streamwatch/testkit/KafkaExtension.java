package io.streamwatch.testkit;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node KRaft Kafka broker (Kafka's own test kit, in this JVM, no Docker), started
 * once per JVM on first use and stopped, its log folders deleted, when JUnit closes its root store.
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
 * String topic = KAFKA.createTopic("events", 2);
 * KAFKA.produce(topic, 0, null, "{...}".getBytes(UTF_8), eventTime);
 * }</pre>
 *
 * <p>Records up to {@link #MAX_RECORD_BYTES} are accepted so tests can send oversized payloads.
 */
public final class KafkaExtension implements BeforeAllCallback {

    public static final int MAX_RECORD_BYTES = EmbeddedKafka.MAX_RECORD_BYTES;

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaExtension.class);
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private Broker broker;

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(Broker.class, key -> Broker.start(), Broker.class);
    }

    public String bootstrapServers() {
        return broker.kafka.bootstrapServers();
    }

    /** Creates a topic with a name no other test uses ({@code prefix-N}) and returns that name. */
    public String createTopic(String prefix, int partitions) {
        String name = prefix + "-" + TOPICS.incrementAndGet();
        await(broker.admin
                .createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                .all());
        return name;
    }

    /** Sends one record and waits for the broker's acknowledgement; returns its offset. */
    public long produce(String topic, int partition, byte[] key, byte[] value, long timestampMillis) {
        return await(broker.producer.send(new ProducerRecord<>(topic, partition, timestampMillis, key, value)))
                .offset();
    }

    /**
     * Sends the records and waits until the broker acknowledged them all; returns their offsets, in
     * order. A producer of its own, with a producer id of its own: the shared one's idempotence
     * state is not worth risking on thousands of records, and a thousand at a time are sent, so
     * that a slow machine never holds a batch past the delivery timeout.
     */
    public List<Long> produceAll(List<ProducerRecord<byte[], byte[]>> records) {
        List<Long> offsets = new java.util.ArrayList<>(records.size());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers(),
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                        MAX_RECORD_BYTES,
                        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                        1),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int from = 0; from < records.size(); from += 1_000) {
                List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sent =
                        records.subList(from, Math.min(records.size(), from + 1_000)).stream()
                                .map(producer::send)
                                .toList();
                producer.flush();
                sent.forEach(f -> offsets.add(await(f).offset()));
            }
        }
        return offsets;
    }

    /** Reads a topic from the beginning until {@code count} records arrived or the timeout passed. */
    public List<ConsumerRecord<byte[], byte[]>> consume(String topic, int count, Duration timeout) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                MAX_RECORD_BYTES);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            int partitions = consumer.partitionsFor(topic).size();
            List<TopicPartition> assigned = IntStream.range(0, partitions)
                    .mapToObj(p -> new TopicPartition(topic, p))
                    .toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            return records;
        }
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka request failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static final class Broker implements AutoCloseable {
        final EmbeddedKafka kafka;
        final Admin admin;
        final KafkaProducer<byte[], byte[]> producer;

        private Broker(EmbeddedKafka kafka) {
            this.kafka = kafka;
            this.admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
            this.producer = new KafkaProducer<>(
                    Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            kafka.bootstrapServers(),
                            ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                            MAX_RECORD_BYTES,
                            ProducerConfig.LINGER_MS_CONFIG,
                            0),
                    new ByteArraySerializer(),
                    new ByteArraySerializer());
        }

        static Broker start() {
            try {
                return new Broker(EmbeddedKafka.start(Files.createTempDirectory("streamwatch-kafka"), true));
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the Kafka test broker", e);
            }
        }

        @Override
        public void close() throws Exception {
            producer.close();
            admin.close();
            kafka.close();
        }
    }
}
