package io.streamwatch.bench;

import io.streamwatch.JobEnvironment;
import io.streamwatch.StreamwatchJob;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.model.Ingested;
import io.streamwatch.pipeline.StreamwatchPipeline;
import io.streamwatch.source.KafkaIngest;
import io.streamwatch.testkit.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * The job end to end, as production wires it ({@link StreamwatchPipeline#define} with the Kafka
 * source and {@link StreamwatchJob#productionEnds}, the PostgreSQL sinks), with the job's default
 * configuration (RocksDB, exactly-once checkpoints every 30 s, incremental) but for the broker, the
 * database and the checkpoint folder; or the same on heap state. On a Flink cluster in this JVM:
 * one TaskManager with two slots and parallelism 2, managed memory 512 MB, about what
 * conf/flink/config.yaml gives a TaskManager (1,728 MB, managed fraction 0.4).
 *
 * <p>The source is bounded at the topic's end offsets, so the job drains by itself: at the end of
 * input every window fires and every sink flushes. In the latency mode it is not, and the job runs
 * until the command says stop.
 */
final class JobRun {
    static final int PARALLELISM = 2;
    static final MemorySize MANAGED_MEMORY = MemorySize.parse("512m");
    private static final String PASSWORD_ENV = "STREAMWATCH_BENCH_DB_PASSWORD";

    private JobRun() {}

    static Map<String, Object> run(RunSpec spec) throws Exception {
        Configuration flink = new Configuration();
        flink.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MANAGED_MEMORY);
        // the web UI's port: any free one, so that runs, demos and tests beside it do not collide
        flink.set(RestOptions.BIND_ADDRESS, "localhost");
        flink.set(RestOptions.PORT, 0);
        try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(flink)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(PARALLELISM)
                .build())) {
            cluster.start();
            StreamGraph graph = graph(spec);
            BenchRun.Clock clock = new BenchRun.Clock();
            clock.start();
            JobID job = cluster.submitJob(graph).get().getJobID();
            Runnable health = () -> requireRunning(cluster, job);
            if (spec.live()) {
                awaitRunning(cluster, job);
                BenchRun.say("running");
                BenchRun.awaitStopRequest();
            } else {
                BenchRun.awaitEnd(spec, true, health);
            }
            clock.stop();
            Map<String, Object> figures = clock.figures();
            figures.putAll(checkpoints(cluster.getExecutionGraph(job).get().getCheckpointStatsSnapshot()));
            cluster.cancelJob(job).get(1, TimeUnit.MINUTES);
            return figures;
        }
    }

    private static StreamGraph graph(RunSpec spec) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("source.kafka.bootstrap-servers", spec.bootstrapServers());
        settings.put("source.kafka.topics", spec.topic());
        settings.put("source.kafka.group-id", "streamwatch-bench-" + spec.engine().label);
        settings.put("source.kafka.starting-offsets", "earliest");
        settings.put("sink.jdbc.url", spec.jdbcUrl());
        settings.put("sink.jdbc.user", EmbeddedPostgresServer.USER);
        settings.put("sink.jdbc.password-env", PASSWORD_ENV);
        settings.put(
                "checkpointing.dir",
                Path.of(spec.workDir(), "checkpoints").toUri().toString());
        StreamwatchConfig config = StreamwatchConfig.load(Map.of(), settings, Map.of(PASSWORD_ENV, ""));

        // the settings given stand for a cluster's config.yaml: the job's defaults yield to them
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(Configuration.fromMap(spec.flinkSettings()));
        JobEnvironment.configure(env, config);
        if (spec.engine() == RunSpec.Engine.HEAP) {
            env.configure(new Configuration().set(StateBackendOptions.STATE_BACKEND, "hashmap"));
        }
        env.setParallelism(PARALLELISM);
        KafkaSourceBuilder<Ingested> source = KafkaIngest.builder(config.source(), config.contract());
        if (!spec.live()) source.setBounded(OffsetsInitializer.latest());
        StreamwatchPipeline.define(
                env,
                source.build(),
                config,
                StreamwatchJob.productionEnds(config.jdbc().settings()));
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName("streamwatch-bench-" + spec.engine().label);
        return graph;
    }

    private static void requireRunning(MiniCluster cluster, JobID job) {
        JobStatus status;
        try {
            status = cluster.getJobStatus(job).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the local Flink cluster did not answer", e);
        }
        if (status.isGloballyTerminalState()) {
            throw new IllegalStateException("the job ended (" + status + ") before it wrote all rows; see its log");
        }
    }

    private static void awaitRunning(MiniCluster cluster, JobID job) throws Exception {
        while (cluster.getJobStatus(job).get() != JobStatus.RUNNING) {
            requireRunning(cluster, job);
            Thread.sleep(100);
        }
    }

    /** Completed checkpoints so far: how many, their duration, and the latest one's size. */
    private static Map<String, Object> checkpoints(CheckpointStatsSnapshot stats) {
        Map<String, Object> m = new LinkedHashMap<>();
        long completed = stats.getCounts().getNumberOfCompletedCheckpoints();
        m.put("checkpoints", completed);
        if (completed > 0) {
            m.put(
                    "checkpointAvgMs",
                    stats.getSummaryStats().getEndToEndDurationStats().getAverage());
            m.put(
                    "checkpointMaxMs",
                    stats.getSummaryStats().getEndToEndDurationStats().getMaximum());
            CompletedCheckpointStats latest = stats.getHistory().getLatestCompletedCheckpoint();
            if (latest != null) {
                m.put("stateBytes", latest.getStateSize());
                m.put("checkpointedBytes", latest.getCheckpointedSize());
            }
        }
        return m;
    }
}
