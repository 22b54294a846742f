package io.streamwatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.aggregate.AggregationSettings;
import io.streamwatch.aggregate.WindowResultFunction;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.model.Event;
import io.streamwatch.model.WindowAggregate;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The windowing stage exactly as the pipeline builds it, driven element by element. */
class WindowAggregationTest {
    private static final long MINUTE = 60_000;

    private KeyedOneInputStreamOperatorTestHarness<String, Event, WindowAggregate> harness;

    @AfterEach
    void tearDown() throws Exception {
        if (harness != null) harness.close();
    }

    private void open(Map<String, String> settings) throws Exception {
        open(settings, null);
    }

    /** @param restored a snapshot to start from, as after a failure or from a savepoint; null: none */
    @SuppressWarnings("unchecked")
    private void open(Map<String, String> settings, OperatorSubtaskState restored) throws Exception {
        AggregationSettings aggregation = StreamwatchConfig.defaults(settings).aggregation();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        var windowed = StreamwatchPipeline.aggregate(env.fromData(new Event("x", "x", 0, 0)), aggregation);
        Transformation<?> t = windowed.getTransformation();
        var operator = ((OneInputTransformation<Event, WindowAggregate>) t).getOperator();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(operator, (Event e) -> e.seriesKey, Types.STRING);
        if (restored != null) harness.initializeState(restored);
        harness.open();
    }

    private void send(String series, long time, double value) throws Exception {
        Event e = new Event(series + "@" + time, series, time, value);
        harness.processElement(new StreamRecord<>(e, time));
    }

    private List<WindowAggregate> output() {
        return harness.extractOutputValues();
    }

    @Test
    void firesOnTimeThenRevisesWithinLatenessThenRoutesBeyondIt() throws Exception {
        open(Map.of("aggregation.size", "1min", "aggregation.allowed-lateness", "1min"));

        send("s", 10_000, 1.0);
        send("s", 5_000, 3.0); // out of order, still on time
        harness.processWatermark(MINUTE - 1);

        assertThat(output()).singleElement().satisfies(a -> {
            assertThat(a.windowStart).isZero();
            assertThat(a.windowEnd).isEqualTo(MINUTE);
            assertThat(a.count).isEqualTo(2);
            assertThat(a.mean).isEqualTo(2.0);
            assertThat(a.firstEventTime).isEqualTo(5_000);
            assertThat(a.revision).isEqualTo(1);
        });

        send("s", 20_000, 5.0); // late, within the allowed lateness: the window fires again
        assertThat(output()).hasSize(2);
        assertThat(output().get(1).revision).isEqualTo(2);
        assertThat(output().get(1).count).isEqualTo(3);
        assertThat(output().get(1).max).isEqualTo(5.0);

        harness.processWatermark(2 * MINUTE - 1); // window is now closed for good: its final firing
        assertThat(harness.getSideOutput(WindowResultFunction.COMPLETE_WINDOWS))
                .extracting(r -> r.getValue().count + " events, revision " + r.getValue().revision)
                .containsExactly("3 events, revision 2");
        send("s", 30_000, 7.0);
        assertThat(output())
                .as("the final firing repeats the last row: not written again")
                .hasSize(2);
        assertThat(harness.getSideOutput(StreamwatchPipeline.LATE_EVENTS))
                .extracting(r -> r.getValue().value)
                .containsExactly(7.0);

        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void afterAWatermarkJumpDetectionGetsEveryWindowOnceInWindowOrder() throws Exception {
        open(Map.of("aggregation.size", "1min", "aggregation.allowed-lateness", "2min"));
        for (int m = 0; m < 6; m++) send("s", m * MINUTE + 1_000, m);
        // window 0 fires on time, its final firing still two minutes away
        harness.processWatermark(MINUTE);
        // then the watermark jumps past them all (a partition marked idle, the end of input): window 1's
        // on-time firing, complete too, is due before window 0's final one
        harness.processWatermark(20 * MINUTE);

        assertThat(harness.getSideOutput(WindowResultFunction.COMPLETE_WINDOWS))
                .extracting(r -> r.getValue().windowStart / MINUTE)
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(output())
                .as("each window written once: an on-time firing the jump made final too is that final firing")
                .extracting(a -> a.windowStart / MINUTE + "r" + a.revision)
                .containsExactly("0r1", "1r1", "2r1", "3r1", "4r1", "5r1");
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aLateEventReadAfterARestoreIsWrittenWhenOneWatermarkBringsItInTheFinalFiring() throws Exception {
        Map<String, String> settings = Map.of("aggregation.size", "1min", "aggregation.allowed-lateness", "1min");
        open(settings);
        send("s", 10_000, 1);
        harness.processWatermark(MINUTE); // on time: one event, revision 1
        OperatorSubtaskState checkpoint = harness.snapshot(1, 1);
        harness.close();

        open(settings, checkpoint);
        // late within the lateness, read before the restored job's first watermark: it does not fire the window
        send("s", 20_000, 3);
        harness.processWatermark(5 * MINUTE); // the first watermark passes the window's end and final firing

        assertThat(output())
                .as("the final firing holds an event the last written version lacks: written, not a repeat")
                .extracting(a -> a.count + " events, revision " + a.revision)
                .containsExactly("2 events, revision 2");
        assertThat(harness.getSideOutput(WindowResultFunction.COMPLETE_WINDOWS))
                .extracting(r -> r.getValue().count)
                .containsExactly(2L);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void aSessionClosedByAWatermarkJumpIsWrittenAndDetectedOnce() throws Exception {
        open(Map.of("aggregation.window", "session", "aggregation.gap", "30s", "aggregation.allowed-lateness", "1min"));
        send("s", 0, 1);
        send("s", 20_000, 2);
        send("s", 100_000, 3);
        harness.processWatermark(10 * MINUTE); // past both sessions' ends and their lateness at once

        assertThat(output())
                .extracting(a -> a.windowStart + "-" + a.windowEnd + ":" + a.count)
                .containsExactly("0-50000:2", "100000-130000:1");
        assertThat(harness.getSideOutput(WindowResultFunction.COMPLETE_WINDOWS))
                .extracting(r -> r.getValue().windowStart)
                .containsExactly(0L, 100_000L);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void keepsSeriesApart() throws Exception {
        open(Map.of("aggregation.size", "1min"));
        send("a", 1_000, 1);
        send("b", 2_000, 10);
        send("b", 3_000, 20);
        harness.processWatermark(MINUTE + MINUTE); // past window end and the default lateness
        assertThat(output())
                .extracting(a -> a.seriesKey + "=" + a.count + "/" + a.sum)
                .containsExactlyInAnyOrder("a=1/1.0", "b=2/30.0");
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void slidingWindowsCountEachEventInEveryWindowItFallsIn() throws Exception {
        open(Map.of(
                "aggregation.window",
                "sliding",
                "aggregation.size",
                "1min",
                "aggregation.slide",
                "30s",
                "aggregation.allowed-lateness",
                "0s"));
        send("s", 40_000, 1);
        harness.processWatermark(3 * MINUTE);
        assertThat(output()).extracting(a -> a.windowStart).containsExactly(0L, 30_000L);
    }

    @Test
    void aSlidingEventJoinsOnlyTheWindowsItsOwnPartitionHasNotClosed() throws Exception {
        open(Map.of(
                "aggregation.window",
                "sliding",
                "aggregation.size",
                "1min",
                "aggregation.slide",
                "30s",
                "aggregation.allowed-lateness",
                "0s"));
        Event e = new Event("e", "s", 40_000, 1);
        e.partitionWatermark = MINUTE; // its partition is past window [0, 60 s), not past [30 s, 90 s)
        harness.processElement(new StreamRecord<>(e, e.eventTime));
        harness.processWatermark(3 * MINUTE);
        assertThat(output()).extracting(a -> a.windowStart).containsExactly(30_000L);
    }

    @Test
    void sessionWindowsMergeAndCloseAfterTheGap() throws Exception {
        open(Map.of("aggregation.window", "session", "aggregation.gap", "30s", "aggregation.allowed-lateness", "0s"));
        send("s", 0, 1);
        send("s", 20_000, 2);
        send("s", 100_000, 3);
        harness.processWatermark(10 * MINUTE);
        assertThat(output())
                .extracting(a -> a.windowStart + "-" + a.windowEnd + ":" + a.count)
                .containsExactly("0-50000:2", "100000-130000:1");
        assertThat(harness.numKeyedStateEntries()).isZero();
    }
}
