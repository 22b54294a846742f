package io.streamwatch;

import io.streamwatch.config.CheckpointSettings;
import io.streamwatch.config.StreamwatchConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Streamwatch's configuration into Flink's: exactly-once checkpoints, RocksDB, restarts,
 * parallelism. Flink's own keys (checkpoint storage and interval, state backend, restart strategy)
 * come from the cluster's {@code config.yaml} unless the job's file or command line sets the
 * Streamwatch key that stands for them; Streamwatch's default applies only where neither says
 * anything. The start-up log names the value of each and where it came from.
 */
public final class JobEnvironment {
    private static final Logger LOG = LoggerFactory.getLogger(JobEnvironment.class);

    private JobEnvironment() {}

    /** Where a Flink setting's value came from. */
    public enum Origin {
        /** the job's file or command line sets the Streamwatch key that stands for it */
        JOB,
        /** the job's configuration does not, and the cluster's config.yaml does */
        CLUSTER,
        /** neither says anything */
        DEFAULT,
        /** the job's guarantees depend on it, whatever the cluster says */
        REQUIRED
    }

    /** One Flink setting the job has an opinion on, the value that won and why. */
    public record Choice(String flinkKey, String value, Origin origin, String jobKey) {
        @Override
        public String toString() {
            String why = switch (origin) {
                case JOB -> "set in the job's configuration as " + jobKey;
                case CLUSTER ->
                    "from the cluster's configuration"
                            + (jobKey == null ? "" : "; the job's configuration does not set " + jobKey);
                case DEFAULT -> "Streamwatch's default; neither the job's nor the cluster's configuration" + " sets it";
                case REQUIRED -> "required by Streamwatch";
            };
            return flinkKey + " = " + value + " (" + why + ")";
        }
    }

    /**
     * The Flink settings for this job on a cluster whose configuration is {@code cluster}, each with
     * where its value came from.
     */
    public static List<Choice> choices(StreamwatchConfig config, ReadableConfig cluster) {
        CheckpointSettings c = config.checkpointing();
        Choices out = new Choices(config, cluster);
        out.add("checkpointing.dir", CheckpointingOptions.CHECKPOINTS_DIRECTORY, c.directory());
        out.add("checkpointing.interval", CheckpointingOptions.CHECKPOINTING_INTERVAL, c.interval());
        out.add("checkpointing.timeout", CheckpointingOptions.CHECKPOINTING_TIMEOUT, c.timeout());
        out.add("checkpointing.min-pause", CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, c.minPause());
        out.add("checkpointing.incremental", CheckpointingOptions.INCREMENTAL_CHECKPOINTS, c.incremental());
        out.add(
                null,
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        out.add(null, StateBackendOptions.STATE_BACKEND, "rocksdb");
        // most dedupe lookups are for ids never seen: a bloom filter answers those without reading blocks
        out.add(null, RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
        // every type that flows or is kept has a serializer of its own (a POJO or an explicit one): a
        // type that would fall back to Kryo, slow and fragile across versions, fails the job's start
        out.add(null, PipelineOptions.GENERIC_TYPES, false);
        // chained operators hand records on without a deep copy (13 % of the job's CPU per event in the
        // benchmark). Safe because no operator changes a record after emitting it, nor changes a record
        // it received and keeps; an operator that needs to must copy (docs/benchmarks.md)
        out.add(null, PipelineOptions.OBJECT_REUSE, true);
        // the sinks' replay safety and the ledger's counts rely on it: not the cluster's to change
        out.required(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);

        // the restart strategy goes as a whole: the job's if any restart.* key is set, else the cluster's
        boolean jobRestart = config.givenKeys().stream().anyMatch(k -> k.startsWith("restart."));
        boolean clusterRestart =
                cluster.getOptional(RestartStrategyOptions.RESTART_STRATEGY).isPresent();
        if (!jobRestart && clusterRestart) {
            out.fromCluster("restart.*", RestartStrategyOptions.RESTART_STRATEGY);
        } else {
            Origin origin = jobRestart ? Origin.JOB : Origin.DEFAULT;
            out.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay", origin, "restart.*");
            out.set(
                    RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
                    c.restartInitialBackoff(),
                    origin,
                    "restart.initial-backoff");
            out.set(
                    RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
                    c.restartMaxBackoff(),
                    origin,
                    "restart.max-backoff");
            out.set(
                    RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER,
                    c.restartBackoffMultiplier(),
                    origin,
                    "restart.backoff-multiplier");
            out.set(
                    RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD,
                    c.restartResetThreshold(),
                    origin,
                    "restart.reset-backoff-threshold");
        }
        return out.list;
    }

    /** The Flink configuration the job applies over the cluster's. */
    public static Configuration flinkConfiguration(StreamwatchConfig config, ReadableConfig cluster) {
        Configuration flink = new Configuration();
        for (Choice choice : choices(config, cluster)) {
            if (choice.origin() != Origin.CLUSTER) flink.setString(choice.flinkKey(), choice.value());
        }
        return flink;
    }

    /** An environment for the job: Flink settings applied, and the configuration visible in the web UI (secrets masked). */
    public static StreamExecutionEnvironment create(StreamwatchConfig config) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        configure(env, config);
        return env;
    }

    public static void configure(StreamExecutionEnvironment env, StreamwatchConfig config) {
        List<Choice> choices = choices(config, env.getConfiguration());
        LOG.info(
                "Flink settings of {}:\n{}",
                config.jobName(),
                choices.stream().map(ch -> "  " + ch).collect(Collectors.joining("\n")));
        env.configure(flinkConfiguration(config, env.getConfiguration()));
        if (config.parallelism() > 0) env.setParallelism(config.parallelism());
        env.getConfig().setGlobalJobParameters(ParameterTool.fromMap(config.effective()));
    }

    private static final class Choices {
        final StreamwatchConfig config;
        final ReadableConfig cluster;
        final List<Choice> list = new ArrayList<>();

        Choices(StreamwatchConfig config, ReadableConfig cluster) {
            this.config = config;
            this.cluster = cluster;
        }

        /** The job's value if {@code jobKey} was given, else the cluster's, else the job's default. */
        <T> void add(String jobKey, ConfigOption<T> option, Object value) {
            if (jobKey != null && config.givenKeys().contains(jobKey)) {
                set(option, value, Origin.JOB, jobKey);
            } else if (cluster.getOptional(option).isPresent()) {
                fromCluster(jobKey, option);
            } else {
                set(option, value, Origin.DEFAULT, jobKey);
            }
        }

        <T> void required(ConfigOption<T> option, T value) {
            cluster.getOptional(option)
                    .filter(v -> !v.equals(value))
                    .ifPresent(v -> LOG.warn(
                            "The cluster's configuration sets {} = {}; Streamwatch needs {} and uses it",
                            option.key(),
                            v,
                            value));
            set(option, value, Origin.REQUIRED, null);
        }

        void set(ConfigOption<?> option, Object value, Origin origin, String jobKey) {
            list.add(new Choice(option.key(), flinkString(value), origin, jobKey));
        }

        void fromCluster(String jobKey, ConfigOption<?> option) {
            list.add(new Choice(
                    option.key(), flinkString(cluster.getOptional(option).orElseThrow()), Origin.CLUSTER, jobKey));
        }
    }

    /** The value as Flink's configuration files write it (durations as "30 s", enums by name). */
    private static String flinkString(Object value) {
        if (value instanceof java.time.Duration d) return d.toMillis() + " ms";
        return String.valueOf(value);
    }
}
