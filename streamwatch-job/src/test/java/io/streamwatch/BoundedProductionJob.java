package io.streamwatch;

import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.pipeline.StreamwatchPipeline;
import io.streamwatch.source.KafkaIngest;
import io.streamwatch.testkit.TestDatabase;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The production wiring (Kafka source, PostgreSQL ends) with the source bounded, so that a test's
 * job ends by itself once it has read the topic up to {@code stop}.
 */
public final class BoundedProductionJob {
    static final String PASSWORD_ENV = "TEST_DB_PASSWORD";

    private BoundedProductionJob() {}

    /** The overrides that point the job at a topic and a database, reading from the earliest offset. */
    public static Map<String, String> connection(
            String bootstrapServers, String topic, TestDatabase db, Path checkpoints) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("source.kafka.bootstrap-servers", bootstrapServers);
        overrides.put("source.kafka.topics", topic);
        overrides.put("source.kafka.group-id", topic);
        overrides.put("source.kafka.starting-offsets", "earliest");
        overrides.put("sink.jdbc.url", db.url());
        overrides.put("sink.jdbc.user", db.user());
        overrides.put("sink.jdbc.password-env", PASSWORD_ENV);
        overrides.put("checkpointing.dir", checkpoints.toUri().toString());
        overrides.put("checkpointing.interval", "1s");
        return overrides;
    }

    public static Map<String, String> environment(TestDatabase db) {
        return Map.of(PASSWORD_ENV, db.password() == null ? "" : db.password());
    }

    /** Prepares the database and submits the job at parallelism 2. */
    static JobClient start(StreamwatchConfig config, OffsetsInitializer stop) throws Exception {
        StreamwatchJob.prepareDatabase(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironment.configure(env, config);
        env.setParallelism(2);
        StreamwatchPipeline.define(
                env,
                KafkaIngest.builder(config.source(), config.contract())
                        .setBounded(stop)
                        .build(),
                config,
                StreamwatchJob.productionEnds(config.jdbc().settings()));
        return env.executeAsync(config.jobName());
    }
}
