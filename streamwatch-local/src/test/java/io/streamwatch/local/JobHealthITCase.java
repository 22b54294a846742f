package io.streamwatch.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamwatch.testkit.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.testutils.junit.SharedObjectsExtension;
import org.apache.flink.testutils.junit.SharedReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local cluster of {@code ./streamwatch demo} running a tiny job whose one operator fails a
 * given number of times: what {@link LocalFlink#health()} and the status line say while it restarts,
 * once it runs again, when it fails for good, and when it cannot be drained.
 */
class JobHealthITCase {
    private static final Duration TIMEOUT = Duration.ofMinutes(1);
    private static final String FAILURE = "IllegalStateException: injected failure";

    @RegisterExtension
    final SharedObjectsExtension shared = SharedObjectsExtension.create();

    @TempDir
    Path savepoints;

    @Test
    void saysRestartingWithTheCountAndRootCauseThenRunningWithTheCount() throws Exception {
        try (LocalFlink flink = LocalFlink.start(0)) {
            flink.submit(failingJob(2, Integer.MAX_VALUE));
            Status status = new Status(flink.metrics(), null, System.currentTimeMillis());
            List<String> seen = new ArrayList<>();
            AtomicReference<JobHealth> health = new AtomicReference<>();

            Await.until(
                    "the job to restart",
                    TIMEOUT,
                    () -> see(flink, status, health, seen).state() == JobStatus.RESTARTING,
                    seen::toString);
            assertThat(health.get().restarts()).isBetween(1L, 2L);
            assertThat(health.get().lastFailure()).startsWith(FAILURE);
            assertThat(health.get().line())
                    .matches("job RESTARTING \\(restarts ([12]); last failure: " + FAILURE + " \\1\\)");

            // the mapper emits only once its open() succeeded: then the job runs again for good
            Await.until(
                    "the job to run again",
                    TIMEOUT,
                    () -> see(flink, status, health, seen).state() == JobStatus.RUNNING
                            && flink.metrics().count("numRecordsOut", "failing") > 0,
                    seen::toString);
            assertThat(health.get()).isEqualTo(new JobHealth(JobStatus.RUNNING, 2, FAILURE + " 2"));
            assertThat(health.get().line()).isEqualTo("job RUNNING (restarts 2; last failure: " + FAILURE + " 2)");
            assertThat(seen).last().asString().endsWith("  " + health.get().line());
            seen.forEach(System.out::println);
        }
    }

    @Test
    void aJobThatFailedForGoodIsReportedWithItsRootCause() throws Exception {
        try (LocalFlink flink = LocalFlink.start(0)) {
            // it fails for good within seconds: under load, before a poll could see it running
            flink.submitWithoutWaiting(failingJob(Integer.MAX_VALUE, 2));
            Await.until(
                    "the job to fail",
                    TIMEOUT,
                    () -> flink.health().state() == JobStatus.FAILED,
                    () -> flink.health().line());

            // Flink's own failure is "Recovery is suppressed by FixedDelayRestartBackoffTimeStrategy": the cause is
            // ours
            assertThat(flink.health()).isEqualTo(new JobHealth(JobStatus.FAILED, 2, FAILURE + " 3"));
            assertThatThrownBy(() -> flink.drain(savepoints))
                    .isInstanceOf(JobTroubleException.class)
                    .hasMessage("could not drain the job: job FAILED (restarts 2; last failure: " + FAILURE + " 3)");
        }
    }

    @Test
    void aJobThatKeepsRestartingCannotBeDrainedAndTheErrorSaysWhy() throws Exception {
        try (LocalFlink flink = LocalFlink.start(0)) {
            flink.submit(failingJob(Integer.MAX_VALUE, Integer.MAX_VALUE));
            Await.until("a restart", TIMEOUT, () -> flink.health().restarts() > 0);

            // what Flink answers is "Checkpoint triggering task ... is not being executed at the moment"
            assertThatThrownBy(() -> flink.drain(savepoints, Duration.ofSeconds(3)))
                    .isInstanceOf(JobTroubleException.class)
                    .hasMessageStartingWith("could not drain the job: job ")
                    .hasMessageMatching(".*\\(restarts \\d+; last failure: " + FAILURE + " \\d+\\)")
                    .hasMessageNotContaining("Checkpoint");
        }
    }

    @Test
    void aTaskManagerLostToAFatalErrorIsReplacedAndTheJobRunsAgain() throws Exception {
        try (LocalFlink flink = LocalFlink.start(0)) {
            SharedReference<AtomicInteger> failed = shared.add(new AtomicInteger());
            flink.submit(job(new FailingTwiceOnce(failed), Integer.MAX_VALUE));

            Await.until(
                    "the job to run again on a new TaskManager",
                    TIMEOUT,
                    () -> flink.health().restarts() > 0
                            && flink.health().state() == JobStatus.RUNNING
                            && flink.metrics().count("numRecordsOut", "failing") > 0,
                    () -> flink.health().line());
            assertThat(failed.get()).hasValue(1);
            // Flink never heard of the task's own failure: the TaskManager went down before it could tell
            assertThat(flink.health())
                    .isEqualTo(new JobHealth(
                            JobStatus.RUNNING, 1, "FlinkExpectedException: The TaskExecutor is shutting down."));
        }
    }

    private static JobHealth see(
            LocalFlink flink, Status status, AtomicReference<JobHealth> health, List<String> seen) {
        health.set(flink.health());
        String line = status.line(health.get());
        if (seen.isEmpty() || !seen.get(seen.size() - 1).endsWith(health.get().line())) seen.add(line);
        return health.get();
    }

    /** Numbers through a mapper whose open() fails {@code failures} times, with {@code restarts} allowed. */
    private StreamGraph failingJob(int failures, int restarts) {
        return job(new FailingOpen(shared.add(new AtomicInteger()), failures), restarts);
    }

    private static StreamGraph job(MapFunction<Long, Long> failing, int restarts) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restarts);
        // long enough for a poll every 100 ms to see the job restarting
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(LocalFlink.PARALLELISM);
        env.fromSource(
                        new DataGeneratorSource<>(
                                i -> i, Long.MAX_VALUE, RateLimiterStrategy.perSecond(50), Types.LONG),
                        WatermarkStrategy.noWatermarks(),
                        "numbers")
                .map(failing)
                .name("failing")
                // one subtask: one failure per attempt, so the restarts are exactly the failures
                .setParallelism(1)
                .sinkTo(new DiscardingSink<>());
        return env.getStreamGraph();
    }

    /** Fails once on a record, and again when closed after that, as the JDBC writer does. */
    private static final class FailingTwiceOnce extends RichMapFunction<Long, Long> {
        private final SharedReference<AtomicInteger> failed;
        private boolean failedHere;

        FailingTwiceOnce(SharedReference<AtomicInteger> failed) {
            this.failed = failed;
        }

        @Override
        public Long map(Long value) {
            if (failed.get().compareAndSet(0, 1)) {
                failedHere = true;
                throw new IllegalStateException("injected failure on record " + value);
            }
            return value;
        }

        @Override
        public void close() {
            if (failedHere) throw new IllegalStateException("closing after the injected failure");
        }
    }

    /** Fails in open(), before the task runs, so that no savepoint can be taken while it fails. */
    private static final class FailingOpen extends RichMapFunction<Long, Long> {
        private final SharedReference<AtomicInteger> failed;
        private final int failures;

        FailingOpen(SharedReference<AtomicInteger> failed, int failures) {
            this.failed = failed;
            this.failures = failures;
        }

        @Override
        public void open(OpenContext context) {
            int failure = failed.get().incrementAndGet();
            if (failure <= failures) {
                throw new RuntimeException(
                        "opening the mapper failed", new IllegalStateException("injected failure " + failure));
            }
        }

        @Override
        public Long map(Long value) {
            return value;
        }
    }
}
