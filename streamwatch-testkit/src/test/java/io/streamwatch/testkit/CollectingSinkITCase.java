package io.streamwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CollectingSinkITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.extension();

    @Test
    void collectsWhatEverySubtaskReceivedAndOnlyForItsOwnInstance() throws Exception {
        CollectingSink<Integer> sink = new CollectingSink<>();
        CollectingSink<Integer> other = new CollectingSink<>();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);

        env.fromData(1, 2, 3, 4, 5).rebalance().sinkTo(sink);
        JobRestarts.assertNone(FLINK, env.execute().getJobID());

        assertThat(sink.values()).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
        assertThat(other.values()).isEmpty();
        sink.clear();
        assertThat(sink.values()).isEmpty();
    }
}
