package io.streamwatch;

import io.streamwatch.config.CheckpointSettings;
import io.streamwatch.config.StreamwatchConfig;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

/** Turns Streamwatch's configuration into Flink's: exactly-once checkpoints on RocksDB, restarts, parallelism. */
public final class JobEnvironment {
    private JobEnvironment() {}

    public static Configuration flinkConfiguration(StreamwatchConfig config) {
        CheckpointSettings c = config.checkpointing();
        Configuration flink = new Configuration();
        flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        // most dedupe lookups are for ids never seen: a bloom filter answers those without reading blocks
        flink.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
        flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, c.incremental());
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, c.directory());
        flink.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, c.interval());
        flink.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, c.timeout());
        flink.set(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, c.minPause());
        flink.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, c.restartInitialBackoff());
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, c.restartMaxBackoff());
        flink.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER,
                c.restartBackoffMultiplier());
        flink.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD,
                c.restartResetThreshold());
        return flink;
    }

    /** An environment for the job: Flink settings applied, and the configuration visible in the web UI (secrets masked). */
    public static StreamExecutionEnvironment create(StreamwatchConfig config) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConfiguration(config));
        configure(env, config);
        return env;
    }

    public static void configure(StreamExecutionEnvironment env, StreamwatchConfig config) {
        env.configure(flinkConfiguration(config));
        if (config.parallelism() > 0) env.setParallelism(config.parallelism());
        env.getConfig().setGlobalJobParameters(ParameterTool.fromMap(config.effective()));
    }
}
