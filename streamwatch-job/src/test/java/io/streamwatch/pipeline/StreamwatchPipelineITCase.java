package io.streamwatch.pipeline;

import static io.streamwatch.testing.Events.MINUTE;
import static io.streamwatch.testing.Events.SECOND;
import static io.streamwatch.testing.Events.T0;
import static io.streamwatch.testing.Events.invalid;
import static io.streamwatch.testing.Events.valid;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.JobEnvironment;
import io.streamwatch.alert.AlertEnds;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.model.AnomalyEvent;
import io.streamwatch.model.DeadLetter;
import io.streamwatch.model.Ingested;
import io.streamwatch.model.LateEvent;
import io.streamwatch.model.WindowAggregate;
import io.streamwatch.testkit.CollectingSink;
import io.streamwatch.testkit.FlinkCluster;
import io.streamwatch.testkit.InMemorySource;
import io.streamwatch.testkit.JobRestarts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The whole topology on a MiniCluster with RocksDB and checkpoints, fed from memory. */
class StreamwatchPipelineITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.extension();

    @TempDir
    Path checkpoints;

    @Test
    void aggregatesDedupesDetectsAndDeadLettersEveryRecord() throws Exception {
        StreamwatchConfig config = withThresholdDetector(checkpoints);

        List<Ingested> input = new ArrayList<>();
        long offset = 0;
        // three series, ten minutes, one event every 10 s; series "b" spikes in minute 6
        for (int minute = 0; minute < 10; minute++) {
            for (int s = 0; s < 6; s++) {
                long t = T0 + minute * MINUTE + s * 10 * SECOND;
                for (String series : List.of("a", "b", "c")) {
                    double value = series.equals("b") && minute == 6 ? 1_000 : 10 + s;
                    input.add(valid(series + "-" + minute + "-" + s, series, t, value, offset++));
                }
            }
        }
        // every event of minute 3 of series "a" sent twice: the repeats must not count
        for (int s = 0; s < 6; s++) {
            input.add(valid("a-3-" + s, "a", T0 + 3 * MINUTE + s * 10 * SECOND, 99, offset++));
        }
        input.add(invalid(DeadLetter.ErrorCode.MALFORMED_JSON, "{oops", offset++));
        input.add(invalid(DeadLetter.ErrorCode.NON_FINITE_VALUE, "{\"value\":1e999}", offset++));

        CollectingSink<WindowAggregate> aggregates = new CollectingSink<>();
        CollectingSink<AnomalyEvent> anomalies = new CollectingSink<>();
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
        CollectingSink<LateEvent> lateEvents = new CollectingSink<>();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironment.configure(env, config);
        env.setParallelism(2);
        StreamwatchPipeline.define(
                env,
                InMemorySource.of(TypeInformation.of(Ingested.class), input),
                config,
                new PipelineEnds(
                        aggregates,
                        anomalies,
                        deadLetters,
                        lateEvents,
                        new DiscardingSink<>(),
                        AlertEnds.discarding()));
        JobRestarts.assertNone(FLINK, env.execute("pipeline-itcase").getJobID());

        assertThat(aggregates.values()).hasSize(30);
        Map<String, WindowAggregate> byKey = new HashMap<>();
        aggregates.values().forEach(a -> byKey.put(a.seriesKey + "@" + (a.windowStart - T0) / MINUTE, a));
        WindowAggregate a3 = byKey.get("a@3");
        assertThat(a3.count).isEqualTo(6);
        assertThat(a3.sum).isEqualTo(10 + 11 + 12 + 13 + 14 + 15);
        assertThat(a3.max).isEqualTo(15); // the repeats carried 99: they were dropped
        assertThat(a3.revision).isEqualTo(1);
        assertThat(byKey.get("b@6").mean).isEqualTo(1_000);

        assertThat(deadLetters.values())
                .extracting(d -> d.errorCode)
                .containsExactlyInAnyOrder(DeadLetter.ErrorCode.MALFORMED_JSON, DeadLetter.ErrorCode.NON_FINITE_VALUE);
        assertThat(lateEvents.values()).isEmpty();

        assertThat(anomalies.values())
                .extracting(e -> e.seriesKey + " " + e.detector + " " + e.kind + " "
                        + (e.openedWindowStart - T0) / MINUTE + "->" + (e.windowStart - T0) / MINUTE)
                .containsExactly("b threshold OPENED 6->6", "b threshold RESOLVED 6->8");
    }

    /** A static threshold, so which windows are anomalous does not depend on a detector's warm-up. */
    private static StreamwatchConfig withThresholdDetector(Path checkpoints) {
        Map<String, Object> tree = Map.of(
                "detection",
                Map.of(
                        "resolve-after",
                        2,
                        "detectors",
                        List.of(Map.of("type", "threshold", "upper", 100, "margin", 100))));
        return StreamwatchConfig.load(
                tree,
                Map.of("checkpointing.dir", checkpoints.toUri().toString(), "checkpointing.interval", "100ms"),
                Map.of());
    }
}
