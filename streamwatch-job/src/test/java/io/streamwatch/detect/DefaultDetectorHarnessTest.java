package io.streamwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.model.AnomalyEvent;
import io.streamwatch.model.WindowAggregate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The pipeline's default detector in the detection operator: early alerts, explained, and state in Flink. */
class DefaultDetectorHarnessTest {

    private static final long MINUTE = 60_000L;
    private static final DetectorSuite DEFAULT =
            StreamwatchConfig.defaults(Map.of()).detection();

    @Test
    void alertsOnASpikeWithinThirtyWindowsOfANewSeriesAndSaysWhy() throws Exception {
        double[] values = noise(40);
        values[28] = 160.0;
        try (var harness = harness()) {
            harness.open();
            for (int w = 0; w < values.length; w++) {
                send(harness, w, values[w]);
            }
            List<AnomalyEvent> opened = harness.extractOutputValues().stream()
                    .filter(e -> e.kind == AnomalyEvent.Kind.OPENED)
                    .toList();
            assertThat(opened).hasSize(1);
            AnomalyEvent spike = opened.get(0);
            assertThat(spike.windowStart).isEqualTo(28 * MINUTE);
            assertThat(spike.observed).isEqualTo(160.0);
            assertThat(spike.expectedHigh).isLessThan(160.0);
            // which detector, the value, the expected range, and each member's contribution
            assertThat(spike.message)
                    .startsWith("ensemble: mean 160 outside expected [")
                    .containsPattern("(range|madcalibrated) decided")
                    .contains("patterncalibrated warming up")
                    .containsPattern("range [01]\\.[0-9]{2}")
                    .containsPattern("madcalibrated [01]\\.[0-9]{2}");
        }
    }

    /** The ensemble's state (a tuple of its members' states) goes through a Flink snapshot and back intact. */
    @Test
    void aRestoredOperatorScoresAsOneThatNeverStopped() throws Exception {
        double[] values = noise(400);
        values[350] = 150.0;
        List<DetectorScore> straight;
        try (var harness = harness()) {
            harness.open();
            for (int w = 0; w < values.length; w++) {
                send(harness, w, values[w]);
            }
            straight = scores(harness);
        }

        List<DetectorScore> resumed = new ArrayList<>();
        OperatorSubtaskState snapshot;
        try (var harness = harness()) {
            harness.open();
            for (int w = 0; w < 200; w++) {
                send(harness, w, values[w]);
            }
            snapshot = harness.snapshot(1L, 1L);
            resumed.addAll(scores(harness));
        }
        try (var harness = harness()) {
            harness.initializeState(snapshot);
            harness.open();
            for (int w = 200; w < values.length; w++) {
                send(harness, w, values[w]);
            }
            resumed.addAll(scores(harness));
        }
        assertThat(resumed).isEqualTo(straight);
        assertThat(straight.get(350).score).isPositive();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, WindowAggregate, AnomalyEvent> harness()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DetectionFunction(DEFAULT.detectors(), DEFAULT.settings())),
                a -> a.seriesKey,
                Types.STRING);
    }

    private static void send(
            KeyedOneInputStreamOperatorTestHarness<String, WindowAggregate, AnomalyEvent> harness, int w, double value)
            throws Exception {
        WindowAggregate a = new WindowAggregate();
        a.seriesKey = "a";
        a.windowStart = w * MINUTE;
        a.windowEnd = (w + 1) * MINUTE;
        a.count = 1;
        a.sum = a.min = a.max = a.mean = a.p50 = a.p95 = a.p99 = value;
        a.firstEventTime = a.lastEventTime = a.windowStart;
        a.revision = 1;
        harness.processElement(a, a.windowEnd - 1);
    }

    private static List<DetectorScore> scores(
            KeyedOneInputStreamOperatorTestHarness<String, WindowAggregate, AnomalyEvent> harness) {
        return harness.getSideOutput(DetectionFunction.SCORES).stream()
                .map(StreamRecord::getValue)
                .toList();
    }

    private static double[] noise(int n) {
        Random random = new Random(11);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = 100.0 + 2.0 * random.nextGaussian();
        }
        return values;
    }
}
