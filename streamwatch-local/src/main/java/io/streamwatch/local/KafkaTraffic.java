package io.streamwatch.local;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The generator's way into any Kafka: the topic, a producer, and the broker's own count of what arrived. */
public final class KafkaTraffic implements Generator.Output, AutoCloseable {
    private static final long TIMEOUT_SECONDS = 15;

    private final String bootstrapServers;
    private final String topic;
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    private KafkaTraffic(String bootstrapServers, String topic, Admin admin) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.admin = admin;
        this.producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.LINGER_MS_CONFIG,
                        5,
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    /** Connects (one clear error if Kafka is out of reach) and creates the topic unless it exists. */
    public static KafkaTraffic open(String bootstrapServers, String topic, int partitions) {
        Admin admin = connect(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                admin.close();
                throw new LauncherException("cannot create topic " + topic + " at " + bootstrapServers + ": "
                        + e.getCause().getMessage());
            }
        } catch (TimeoutException | InterruptedException e) {
            admin.close();
            throw new LauncherException(
                    "cannot create topic " + topic + " at " + bootstrapServers + " within " + TIMEOUT_SECONDS + " s");
        }
        return new KafkaTraffic(bootstrapServers, topic, admin);
    }

    /** An admin client for a Kafka that answered, or one clear error. */
    public static Admin connect(Map<String, Object> clientProperties) {
        Map<String, Object> properties = new HashMap<>(clientProperties);
        properties.put(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        Admin admin = Admin.create(properties);
        try {
            admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return admin;
        } catch (TimeoutException | ExecutionException | InterruptedException e) {
            admin.close();
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new LauncherException("cannot reach Kafka at "
                    + properties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) + " within " + TIMEOUT_SECONDS + " s");
        }
    }

    @Override
    public void send(int partition, long timestamp, byte[] value) {
        producer.send(new ProducerRecord<>(topic, partition, timestamp, null, value), (metadata, e) -> {
            if (e == null) acknowledged.incrementAndGet();
            else failure.compareAndSet(null, e);
        });
    }

    /** Waits for every record sent to be acknowledged; fails if Kafka refused any. */
    public void flush() {
        producer.flush();
        Exception e = failure.get();
        if (e != null)
            throw new LauncherException("Kafka at " + bootstrapServers + " refused records: " + e.getMessage());
    }

    public long acknowledged() {
        return acknowledged.get();
    }

    /** The broker's count of records in the topic: the sum of its partitions' end offsets. */
    public long endOffsets() throws Exception {
        TopicDescription description =
                admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        Map<TopicPartition, OffsetSpec> latest = description.partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().values().stream()
                .mapToLong(o -> o.offset())
                .sum();
    }

    public String topic() {
        return topic;
    }

    @Override
    public void close() {
        producer.close();
        admin.close();
    }
}
