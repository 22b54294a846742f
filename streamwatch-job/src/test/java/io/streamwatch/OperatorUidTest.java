package io.streamwatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.StreamwatchConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.Function;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.operators.AbstractUdfStreamOperator;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamFilter;
import org.apache.flink.streaming.api.operators.StreamFlatMap;
import org.apache.flink.streaming.api.operators.StreamMap;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.junit.jupiter.api.Test;

/**
 * A savepoint maps state to operators by uid: an operator with state but no explicit uid gets one
 * generated from the topology, and a later version that changes the graph around it cannot restore.
 * So every stateful operator of the production topology (alerting on) must have an explicit uid and
 * a readable name.
 */
class OperatorUidTest {
    private static final Set<Class<?>> STATELESS =
            Set.of(StreamMap.class, StreamFilter.class, StreamFlatMap.class, ProcessOperator.class);

    @Test
    void everyStatefulOperatorHasAnExplicitUidAndAName() {
        StreamGraph graph = productionGraph();
        List<String> problems = new ArrayList<>();
        List<String> stateful = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            if (!isStateful(node)) continue;
            stateful.add(node.getOperatorName());
            if (node.getTransformationUID() == null) {
                problems.add(node.getOperatorName() + " (id " + node.getId() + ") has no uid");
            }
            if (node.getOperatorName() == null || node.getOperatorName().isBlank()) {
                problems.add("node " + node.getId() + " has no name");
            }
        }
        assertThat(problems).as("stateful operators without uid or name").isEmpty();
        // the test sees the operators it is meant to: the sources, the keyed stages and the sinks
        assertThat(stateful)
                .as("stateful operators found")
                .contains(
                        "dedupe-by-event-id",
                        "detect-anomalies",
                        "notification-gate",
                        "deliver-alerts",
                        "anomalies-sink: Writer");
    }

    @Test
    void uidsAreUnique() {
        List<String> uids = productionGraph().getStreamNodes().stream()
                .map(StreamNode::getTransformationUID)
                .filter(java.util.Objects::nonNull)
                .toList();
        assertThat(uids).doesNotHaveDuplicates();
    }

    /** The production wiring with alerting on, as the jar builds it; nothing is connected to. */
    private static StreamGraph productionGraph() {
        StreamwatchConfig config = StreamwatchConfig.load(
                Map.of(
                        "alerting",
                        Map.of(
                                "receivers",
                                List.of(Map.of(
                                        "name", "oncall", "type", "slack", "webhook-url-env", "TEST_SLACK_URL")))),
                Map.of(),
                Map.of("TEST_SLACK_URL", "https://hooks.slack.invalid/x"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironment.configure(env, config);
        StreamwatchJob.wire(env, config);
        return env.getStreamGraph();
    }

    /**
     * Keyed, or anything but a plain map, filter, flat map or process operator whose function keeps
     * no state of its own: sources (offsets), sink writers (pending rows), async I/O (in-flight
     * requests) and window operators are built by factories and count as stateful.
     */
    private static boolean isStateful(StreamNode node) {
        if (node.getStateKeySerializer() != null) return true;
        if (!(node.getOperatorFactory() instanceof SimpleOperatorFactory<?> simple)) return true;
        StreamOperator<?> operator = simple.getOperator();
        if (!STATELESS.contains(operator.getClass())) return true;
        Function f = ((AbstractUdfStreamOperator<?, ?>) operator).getUserFunction();
        return f instanceof CheckpointedFunction;
    }
}
