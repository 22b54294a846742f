package io.streamwatch.local;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real single-node KRaft broker from Kafka's own test kit, in this JVM, on a free port. Its log
 * starts empty on every run: each demo run produces its own traffic, and the results of earlier
 * runs live on in PostgreSQL.
 */
public final class LocalKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    private LocalKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    public static LocalKafka start(Path dir) throws Exception {
        DataDir.deleteRecursively(dir);
        Files.createDirectories(dir);
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBaseDirectory(dir)
                .build())
                // the demo replays event times from hours ago as record timestamps: keep them
                .setConfigProp("log.retention.ms", -1)
                // one broker: the internal topics cannot have the default three replicas
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                // Flink's consumer group joins at once instead of after 3 s
                .setConfigProp("group.initial.rebalance.delay.ms", 0)
                .build();
        PrintStream stdout = System.out;
        try {
            // format() reports to standard output, which belongs to the launcher's status line
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
        return new LocalKafka(cluster);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }

}
