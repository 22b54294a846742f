package io.streamwatch;

import io.streamwatch.testutils.FlinkCluster;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.model.Ingested;
import io.streamwatch.pipeline.IngestWatermarks;
import io.streamwatch.pipeline.StreamwatchPipeline;
import io.streamwatch.source.KafkaIngest;
import io.streamwatch.testutils.KafkaExtension;
import io.streamwatch.testutils.PostgresExtension;
import io.streamwatch.testutils.TestDatabase;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.streamwatch.testutils.Events.MINUTE;
import static io.streamwatch.testutils.Events.SECOND;
import static io.streamwatch.testutils.Events.T0;
import static io.streamwatch.testutils.Events.jsonBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A crash with data in flight, after a checkpoint, must leave the database exactly as a run
 * without the crash: Kafka offsets, dedupe, window and detector state are restored from the
 * checkpoint, and the replayed rows are upserts on their natural keys.
 */
class ExactlyOnceRecoveryITCase {
    private static final int SERIES = 8;
    private static final int MINUTES = 40;

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.extension();

    @TempDir
    Path checkpoints;

    /** Every table as rows, without the columns that record when a row was written. */
    private static final List<String> TABLES = List.of(
            "SELECT series_key, window_start, window_end, count, sum, min, max, mean, stddev, first_event_time,"
                    + " last_event_time, p50, p95, p99, revision FROM window_aggregates ORDER BY 1, 2, 3",
            "SELECT series_key, detector, opened_window_start, status, revision, severity, score, observed,"
                    + " expected_low, expected_high, message, opened_window_end, resolved_window_start,"
                    + " resolved_window_end, resolve_score FROM anomalies ORDER BY 1, 2, 3",
            "SELECT topic, partition, kafka_offset, kafka_timestamp, encode(payload, 'hex') AS payload, error_code, message"
                    + " FROM dead_letters ORDER BY 1, 2, 3",
            "SELECT topic, partition, kafka_offset, event_id, series_key, event_time, value, watermark"
                    + " FROM late_events ORDER BY 1, 2, 3");

    @Test
    void aCrashAfterACheckpointLeavesTheDatabaseAsACleanRunDoes() throws Exception {
        String topic = KAFKA.createTopic("recovery", 2);
        int records = produceInput(topic);

        TestDatabase clean = POSTGRES.createDatabase("clean");
        run(topic, clean, false, records);

        TestDatabase crashed = POSTGRES.createDatabase("crashed");
        run(topic, crashed, true, records);
        assertThat(FailOnceAfterCheckpoint.failed).as("the failure was injected").isTrue();
        assertThat(FailOnceAfterCheckpoint.checkpointsBeforeFailure.get()).isPositive();

        assertThat(clean.query(TABLES.get(0))).hasSize(SERIES * MINUTES - (MINUTES - 15));
        assertThat(clean.query(TABLES.get(1))).isNotEmpty();
        assertThat(clean.query(TABLES.get(2))).hasSize(2);
        for (String table : TABLES) {
            assertThat(crashed.query(table)).as(table).isEqualTo(clean.query(table));
        }
    }

    /**
     * Each series in one partition (so its events arrive in the same order in every run),
     * ten events a minute, each minute reversed: out of order, never late. Series 3 spikes in
     * minute 30, series 7 stops after minute 14; some ids repeat; two records are invalid.
     */
    private static int produceInput(String topic) {
        int count = 0;
        for (int m = 0; m < MINUTES; m++) {
            for (int s = 0; s < SERIES; s++) {
                if (s == 7 && m >= 15) continue;
                for (int i = 9; i >= 0; i--) {
                    long t = T0 + m * MINUTE + i * 6 * SECOND;
                    double value = (s == 3 && m == 30) ? 500 : 10 * s + ((m * 7 + i * 3) % 5);
                    byte[] json = jsonBytes("s" + s + "-" + t, "s" + s, t, value);
                    KAFKA.produce(topic, s % 2, null, json, t);
                    count++;
                    if (i == 0 && m % 10 == 5) {
                        KAFKA.produce(topic, s % 2, null, json, t); // a duplicate
                        count++;
                    }
                }
            }
        }
        KAFKA.produce(topic, 0, null, "{\"event_id\":".getBytes(StandardCharsets.UTF_8), T0);
        KAFKA.produce(topic, 1, null, "[]".getBytes(StandardCharsets.UTF_8), T0);
        return count + 2;
    }

    private void run(String topic, TestDatabase db, boolean injectFailure, int records) throws Exception {
        StreamwatchConfig config = StreamwatchConfig.load(Map.of(), Map.ofEntries(
                Map.entry("source.kafka.bootstrap-servers", KAFKA.bootstrapServers()),
                Map.entry("source.kafka.topics", topic),
                Map.entry("source.kafka.group-id", db.url()),
                Map.entry("source.kafka.starting-offsets", "earliest"),
                Map.entry("sink.jdbc.url", db.url()),
                Map.entry("sink.jdbc.user", db.user()),
                Map.entry("checkpointing.dir", checkpoints.resolve(injectFailure ? "crashed" : "clean").toUri().toString()),
                Map.entry("checkpointing.interval", "200ms"),
                Map.entry("checkpointing.min-pause", "0s"),
                Map.entry("restart.initial-backoff", "100ms"),
                // after the injected failure Kafka's split fetcher does not stop by itself; do not
                // wait the default 30 s for it before restarting
                Map.entry("source.kafka.properties.source.reader.close.timeout", "1000")), Map.of());
        StreamwatchJob.prepareDatabase(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironment.configure(env, config);
        env.setParallelism(2);

        // the production source, bounded so that the job ends by itself
        DataStream<Ingested> ingested = env.fromSource(
                KafkaIngest.builder(config.source(), config.contract()).setBounded(OffsetsInitializer.latest()).build(),
                IngestWatermarks.strategy(config.watermarks()), "kafka-source");
        if (injectFailure) {
            FailOnceAfterCheckpoint.failed = false;
            ingested = ingested.map(new FailOnceAfterCheckpoint(records / 4)).name("inject-failure");
        }
        StreamwatchPipeline.define(ingested, config, StreamwatchJob.jdbcSinks(config.jdbc().settings()));
        env.execute("recovery-" + (injectFailure ? "crashed" : "clean"));
    }

    /**
     * Slows the input until a checkpoint has completed, then throws once, a few hundred records
     * later, so that the crash finds data in flight whose effects the checkpoint does not cover.
     */
    static final class FailOnceAfterCheckpoint extends RichMapFunction<Ingested, Ingested> implements CheckpointListener {
        static volatile boolean failed;
        static final AtomicInteger checkpointsBeforeFailure = new AtomicInteger();
        private static final AtomicInteger completedCheckpoints = new AtomicInteger();
        private static final AtomicBoolean throwing = new AtomicBoolean();

        private final int failAfterRecords;
        private int seen;

        FailOnceAfterCheckpoint(int failAfterRecords) {
            this.failAfterRecords = failAfterRecords;
            completedCheckpoints.set(0);
            throwing.set(false);
        }

        @Override
        public Ingested map(Ingested record) throws Exception {
            seen++;
            if (!failed) {
                if (completedCheckpoints.get() == 0 || seen < failAfterRecords / 2) {
                    Thread.sleep(1);
                } else if (throwing.compareAndSet(false, true)) {
                    checkpointsBeforeFailure.set(completedCheckpoints.get());
                    failed = true;
                    throw new IllegalStateException("injected failure after " + seen + " records");
                }
            }
            return record;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            completedCheckpoints.incrementAndGet();
        }
    }
}
