package io.streamwatch;

import static io.streamwatch.testing.Events.MINUTE;
import static io.streamwatch.testing.Events.T0;
import static io.streamwatch.testing.Events.jsonBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.testing.TableContents;
import io.streamwatch.testkit.Await;
import io.streamwatch.testkit.EmbeddedKafka;
import io.streamwatch.testkit.EmbeddedPostgresServer;
import io.streamwatch.testkit.FlinkCluster;
import io.streamwatch.testkit.JobRestarts;
import io.streamwatch.testkit.PostgresExtension;
import io.streamwatch.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outages while the job runs, on the production wiring: PostgreSQL stopped for a minute, the Kafka
 * broker restarted. Each run must end without a single restart of the job, and with every table
 * equal, row for row, to a run over the same topic without the outage.
 *
 * <p>The input is in order within the out-of-orderness on every partition and no partition goes
 * idle, so no event can be late however reading stalls: the tables are a function of the topic
 * alone, and any difference is a loss or a duplicate.
 */
class OutageITCase {
    private static final int PARTITIONS = 2;
    private static final int MINUTES = 12;
    private static final Duration POSTGRES_DOWN = Duration.ofSeconds(60);
    private static final Duration BROKER_DOWN = Duration.ofSeconds(10);

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.extension();

    @TempDir
    static Path kafkaDir;

    private static EmbeddedKafka kafka;

    @TempDir
    Path checkpoints;

    @TempDir
    Path postgresDir;

    @BeforeAll
    static void startBroker() throws Exception {
        // a broker of its own: restarting the shared one would disturb other tests
        kafka = EmbeddedKafka.start(kafkaDir.resolve("broker"), true);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) kafka.close();
    }

    @Test
    void postgresDownForAMinuteLosesNothingAndRestartsNothing() throws Exception {
        String topic = createTopic("pg-outage");
        List<ProducerRecord<byte[], byte[]>> input = input(topic);
        Map<TopicPartition, Long> end = endOffsets(topic, input);

        EmbeddedPostgresServer server = EmbeddedPostgresServer.startIn(postgresDir);
        try {
            TestDatabase db = new TestDatabase(server.createDatabase("outage"), EmbeddedPostgresServer.USER, "");
            int half = input.size() / 2;
            produce(input.subList(0, half));
            JobClient job = start(config(topic, db), end);
            Await.until(
                    "the first windows written",
                    Duration.ofSeconds(60),
                    () -> !db.query("SELECT 1 FROM window_aggregates").isEmpty());

            long stopped = System.nanoTime();
            server.close();
            // the rest arrives while the database is away: the job reads it and must wait to write it
            produce(input.subList(half, input.size()));
            Thread.sleep(POSTGRES_DOWN.toMillis());
            server = server.startAgain();
            long downMillis = (System.nanoTime() - stopped) / 1_000_000;
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

            long caughtUp = System.nanoTime();
            job.getJobExecutionResult().get();
            System.out.printf(
                    "OutageITCase: PostgreSQL down %d ms; the job finished %d ms after it was back%n",
                    downMillis, (System.nanoTime() - caughtUp) / 1_000_000);
            JobRestarts.assertNone(FLINK, job.getJobID());
            assertSameTables(cleanRun(topic, end), TableContents.of(db));
        } finally {
            server.close();
        }
    }

    @Test
    void aBrokerRestartLosesNothingAndRestartsNothing() throws Exception {
        String topic = createTopic("broker-restart");
        List<ProducerRecord<byte[], byte[]>> input = input(topic);
        Map<TopicPartition, Long> end = endOffsets(topic, input);

        TestDatabase db = POSTGRES.createDatabase("broker_restart");
        int half = input.size() / 2;
        produce(input.subList(0, half));
        JobClient job = start(config(topic, db), end);
        Await.until(
                "the first windows written",
                Duration.ofSeconds(60),
                () -> !db.query("SELECT 1 FROM window_aggregates").isEmpty());

        kafka.restartBroker(BROKER_DOWN);
        produce(input.subList(half, input.size()));
        job.getJobExecutionResult().get();

        JobRestarts.assertNone(FLINK, job.getJobID());
        assertSameTables(cleanRun(topic, end), TableContents.of(db));
    }

    private static void assertSameTables(
            Map<String, List<Map<String, Object>>> expected, Map<String, List<Map<String, Object>>> actual) {
        System.out.println("OutageITCase compared rows: " + TableContents.sizes(actual));
        assertThat(expected.get("window_aggregates")).isNotEmpty();
        assertThat(expected.get("anomalies")).isNotEmpty();
        assertThat(expected.get("dead_letters")).isNotEmpty();
        TableContents.assertSame(expected, actual);
    }

    /** The same topic read again from the start, without an outage, into a database of its own. */
    private Map<String, List<Map<String, Object>>> cleanRun(String topic, Map<TopicPartition, Long> end)
            throws Exception {
        TestDatabase db = POSTGRES.createDatabase("clean");
        JobClient job = start(config(topic, db), end);
        job.getJobExecutionResult().get();
        JobRestarts.assertNone(FLINK, job.getJobID());
        return TableContents.of(db);
    }

    private static JobClient start(StreamwatchConfig config, Map<TopicPartition, Long> end) throws Exception {
        return BoundedProductionJob.start(config, OffsetsInitializer.offsets(end));
    }

    /**
     * Four series, ten events a minute each, alternating between the partitions, each minute's
     * events reversed (out of order by up to 4.5 s, within the 5 s allowed); duplicates on the other
     * partition; a few refused records; values that cross a threshold detector's bound.
     */
    private static List<ProducerRecord<byte[], byte[]>> input(String topic) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        int n = 0;
        for (int m = 0; m < MINUTES; m++) {
            for (int i = 9; i >= 0; i--) {
                for (int s = 0; s < 4; s++) {
                    long t = T0 + m * MINUTE + i * 500L + s * 100L;
                    double value = (m == 5 && s == 1) ? 500 : 10 + s + i * 0.1;
                    byte[] payload = jsonBytes("e-" + s + "-" + m + "-" + i, "s" + s, t, value);
                    out.add(new ProducerRecord<>(topic, n++ % PARTITIONS, t, null, payload));
                    if (i == 3 && s == 2) out.add(new ProducerRecord<>(topic, n % PARTITIONS, t, null, payload));
                }
            }
            out.add(new ProducerRecord<>(
                    topic, m % PARTITIONS, T0 + m * MINUTE, null, ("{broken " + m).getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    private static Map<TopicPartition, Long> endOffsets(String topic, List<ProducerRecord<byte[], byte[]>> input) {
        Map<TopicPartition, Long> end = new HashMap<>();
        for (ProducerRecord<byte[], byte[]> r : input)
            end.merge(new TopicPartition(topic, r.partition()), 1L, Long::sum);
        return end;
    }

    private static String createTopic(String name) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, PARTITIONS, (short) 1)))
                    .all()
                    .get();
        }
        return name;
    }

    private static void produce(List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> r : records) producer.send(r);
            producer.flush();
        }
    }

    private StreamwatchConfig config(String topic, TestDatabase db) {
        Map<String, String> overrides =
                BoundedProductionJob.connection(kafka.bootstrapServers(), topic, db, checkpoints);
        overrides.put("sink.jdbc.batch-interval", "100ms");
        overrides.put("watermarks.idleness", "0s");
        Map<String, Object> tree = Map.of(
                "detection",
                Map.of(
                        "resolve-after",
                        1,
                        "detectors",
                        List.of(Map.of("type", "threshold", "upper", 100, "margin", 100))));
        return StreamwatchConfig.load(tree, overrides, BoundedProductionJob.environment(db));
    }
}
