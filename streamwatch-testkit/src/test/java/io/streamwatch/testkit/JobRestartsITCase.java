package io.streamwatch.testkit;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.testutils.junit.SharedObjectsExtension;
import org.apache.flink.testutils.junit.SharedReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JobRestartsITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.extension();

    @RegisterExtension
    final SharedObjectsExtension shared = SharedObjectsExtension.create();

    @Test
    void aJobThatNeverFailedPasses() throws Exception {
        JobID job = run(false);

        assertThatCode(() -> JobRestarts.assertNone(FLINK, job)).doesNotThrowAnyException();
    }

    @Test
    void aJobThatRestartedOnceFailsTheAssertionWithWhereAndWhy() throws Exception {
        JobID job = run(true);

        assertThatThrownBy(() -> JobRestarts.assertNone(FLINK, job))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("failed 1 time(s)")
                .hasMessageContaining("fail-once (1/1)")
                .hasMessageContaining("java.lang.IllegalStateException: injected failure");
    }

    /** A bounded job that ends FINISHED either way: after a restart if {@code failOnce}. */
    private JobID run(boolean failOnce) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.fromData(1, 2, 3)
                .map(new FailOnce(shared.add(new AtomicBoolean(!failOnce))))
                .name("fail-once")
                .setParallelism(1)
                .sinkTo(new DiscardingSink<>());
        return env.execute("restarts").getJobID();
    }

    private static final class FailOnce implements MapFunction<Integer, Integer> {
        private final SharedReference<AtomicBoolean> failed;

        FailOnce(SharedReference<AtomicBoolean> failed) {
            this.failed = failed;
        }

        @Override
        public Integer map(Integer value) {
            if (failed.get().compareAndSet(false, true)) throw new IllegalStateException("injected failure");
            return value;
        }
    }
}
