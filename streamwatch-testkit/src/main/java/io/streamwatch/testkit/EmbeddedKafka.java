package io.streamwatch.testkit;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import kafka.server.BrokerServer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft broker from Kafka's own test kit, in this JVM, on a free port: what the
 * tests ({@link KafkaExtension}) and the local runner's demo both start.
 *
 * <p>Records up to {@link #MAX_RECORD_BYTES} are accepted, so that oversized payloads reach the
 * job's contract check (the broker default is about 1 MiB).
 */
public final class EmbeddedKafka implements AutoCloseable {
    public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /**
     * @param dir the broker's log folders; must be empty or absent
     * @param deleteOnClose whether closing deletes {@code dir}
     */
    public static EmbeddedKafka start(Path dir, boolean deleteOnClose) throws Exception {
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .setBaseDirectory(dir)
                        .build())
                .setDeleteOnClose(deleteOnClose)
                .setConfigProp("message.max.bytes", MAX_RECORD_BYTES)
                .setConfigProp("replica.fetch.max.bytes", MAX_RECORD_BYTES)
                // event times from hours or days ago arrive as record timestamps: keep them, instead
                // of deleting them as older than the default 7-day retention
                .setConfigProp("log.retention.ms", -1)
                // one broker: the internal topics cannot have the default three replicas
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                // Flink's consumer groups join at once instead of after 3 s
                .setConfigProp("group.initial.rebalance.delay.ms", 0)
                .build();
        PrintStream stdout = System.out;
        try {
            // format() reports to standard output, which may belong to a status line
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            cluster.format();
            System.setOut(stdout);
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            System.setOut(stdout);
            cluster.close();
            throw e;
        }
        return new EmbeddedKafka(cluster);
    }

    /**
     * Stops the broker (its controller stays up), waits, and starts it again on the same port with
     * the same logs: a broker restart as clients see it.
     */
    public void restartBroker(Duration downtime) throws Exception {
        for (BrokerServer broker : cluster.brokers().values()) {
            broker.shutdown();
            broker.awaitShutdown();
        }
        Thread.sleep(downtime.toMillis());
        for (BrokerServer broker : cluster.brokers().values()) broker.startup();
        cluster.waitForReadyBrokers();
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
