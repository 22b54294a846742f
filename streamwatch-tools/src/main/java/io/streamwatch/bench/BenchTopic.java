package io.streamwatch.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Writes the benchmark's records into a topic: all before a run (pre-loaded), or at a steady rate. */
final class BenchTopic {
    private final String bootstrapServers;
    final String name;
    final int partitions;

    private BenchTopic(String bootstrapServers, String name, int partitions) {
        this.bootstrapServers = bootstrapServers;
        this.name = name;
        this.partitions = partitions;
    }

    static BenchTopic create(String bootstrapServers, String name, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get();
        }
        return new BenchTopic(bootstrapServers, name, partitions);
    }

    void delete() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            admin.deleteTopics(List.of(name)).all().get();
        }
    }

    /** Records 0 to n - 1, then one clock record per partition; returns once Kafka acknowledged all. */
    void preload(BenchInput input, long n) {
        try (Sender sender = new Sender()) {
            for (long i = 0; i < n; i++) sender.send(input, i);
            long clockTime = input.nominalMillis(n) + BenchInput.CLOCK_AHEAD.toMillis();
            for (int p = 0; p < partitions; p++) {
                sender.send(new ProducerRecord<>(
                        name,
                        p,
                        BenchInput.clockSeries(p).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        BenchInput.clockValue(p, clockTime)));
            }
        }
    }

    /**
     * Sends record i at its nominal time (the wall clock), from record 0 on, until {@code stop}
     * says so; returns how many were sent.
     */
    long produceLive(BenchInput input, BooleanSupplier stop) throws InterruptedException {
        try (Sender sender = new Sender()) {
            long i = 0;
            while (!stop.getAsBoolean()) {
                long now = System.currentTimeMillis();
                while (input.nominalMillis(i) <= now) sender.send(input, i++);
                Thread.sleep(5);
            }
            return i;
        }
    }

    /** A producer that fails on the first record Kafka refused, not silently. */
    private final class Sender implements AutoCloseable {
        private final KafkaProducer<byte[], byte[]> producer;
        private final AtomicReference<Exception> failure = new AtomicReference<>();

        Sender() {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
            p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
            producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        }

        void send(BenchInput input, long i) {
            send(new ProducerRecord<>(name, input.key(i), input.value(i)));
        }

        void send(ProducerRecord<byte[], byte[]> record) {
            Exception e = failure.get();
            if (e != null) throw new IllegalStateException("Kafka refused a benchmark record: " + e.getMessage(), e);
            producer.send(record, (metadata, exception) -> {
                if (exception != null) failure.compareAndSet(null, exception);
            });
        }

        @Override
        public void close() {
            producer.flush();
            producer.close(Duration.ofMinutes(1));
            Exception e = failure.get();
            if (e != null) throw new IllegalStateException("Kafka refused a benchmark record: " + e.getMessage(), e);
        }
    }
}
