package io.streamwatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.JobEnvironment.Choice;
import io.streamwatch.JobEnvironment.Origin;
import io.streamwatch.config.StreamwatchConfig;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** Flink's keys come from the cluster unless the job's configuration sets them; the job's defaults fill the rest. */
class JobEnvironmentTest {
    private static final Configuration CLUSTER = Configuration.fromMap(Map.of(
            "execution.checkpointing.dir", "s3://shared/checkpoints",
            "execution.checkpointing.interval", "10 s",
            "execution.checkpointing.mode", "AT_LEAST_ONCE",
            "state.backend.type", "hashmap",
            "restart-strategy.type", "fixed-delay"));

    @Test
    void theClusterWinsWhereTheJobSaysNothing() {
        Map<String, Choice> choices = byKey(StreamwatchConfig.defaults(Map.of()), CLUSTER);
        assertThat(choices.get("execution.checkpointing.dir"))
                .isEqualTo(new Choice(
                        "execution.checkpointing.dir", "s3://shared/checkpoints", Origin.CLUSTER, "checkpointing.dir"));
        assertThat(choices.get("execution.checkpointing.dir").toString())
                .isEqualTo("execution.checkpointing.dir = s3://shared/checkpoints (from the cluster's configuration;"
                        + " the job's configuration does not set checkpointing.dir)");
        assertThat(choices.get("state.backend.type").origin()).isEqualTo(Origin.CLUSTER);
        assertThat(choices.get("restart-strategy.type").value()).isEqualTo("fixed-delay");
        assertThat(choices).doesNotContainKey("restart-strategy.exponential-delay.initial-backoff");
        // not the cluster's to change: the sinks' replay safety depends on it
        assertThat(choices.get("execution.checkpointing.mode"))
                .isEqualTo(new Choice("execution.checkpointing.mode", "EXACTLY_ONCE", Origin.REQUIRED, null));

        Configuration applied = JobEnvironment.flinkConfiguration(StreamwatchConfig.defaults(Map.of()), CLUSTER);
        assertThat(applied.toMap())
                .doesNotContainKeys("execution.checkpointing.dir", "state.backend.type", "restart-strategy.type")
                .containsEntry("execution.checkpointing.mode", "EXACTLY_ONCE");
    }

    @Test
    void theJobWinsWhereItsConfigurationSetsTheKey() {
        StreamwatchConfig config = StreamwatchConfig.defaults(
                Map.of("checkpointing.dir", "file:///mnt/nfs/cp", "restart.max-backoff", "2min"));
        Map<String, Choice> choices = byKey(config, CLUSTER);
        assertThat(choices.get("execution.checkpointing.dir"))
                .isEqualTo(new Choice(
                        "execution.checkpointing.dir", "file:///mnt/nfs/cp", Origin.JOB, "checkpointing.dir"));
        assertThat(choices.get("execution.checkpointing.interval").origin()).isEqualTo(Origin.CLUSTER);
        assertThat(choices.get("restart-strategy.type"))
                .isEqualTo(new Choice("restart-strategy.type", "exponential-delay", Origin.JOB, "restart.*"));
        assertThat(choices.get("restart-strategy.exponential-delay.max-backoff").value())
                .isEqualTo("120000 ms");
    }

    @Test
    void streamwatchsDefaultsApplyWhereNeitherSaysAnything() {
        Map<String, Choice> choices = byKey(StreamwatchConfig.defaults(Map.of()), new Configuration());
        assertThat(choices.values()).allMatch(c -> c.origin() == Origin.DEFAULT || c.origin() == Origin.REQUIRED);
        assertThat(choices.get("execution.checkpointing.dir").value()).isEqualTo("file:///tmp/streamwatch/checkpoints");
        assertThat(choices.get("state.backend.type").value()).isEqualTo("rocksdb");
        assertThat(choices.get("pipeline.generic-types").value()).isEqualTo("false");
        assertThat(choices.get("pipeline.object-reuse").value()).isEqualTo("true");
        assertThat(choices.get("execution.checkpointing.interval").value()).isEqualTo("30000 ms");
    }

    private static Map<String, Choice> byKey(StreamwatchConfig config, Configuration cluster) {
        List<Choice> choices = JobEnvironment.choices(config, cluster);
        return choices.stream().collect(Collectors.toMap(Choice::flinkKey, Function.identity()));
    }
}
