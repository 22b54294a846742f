package io.streamwatch.alert;

import static io.streamwatch.alert.AlertFixtures.opened;
import static io.streamwatch.alert.AlertFixtures.resolved;
import static io.streamwatch.testing.Events.MINUTE;
import static io.streamwatch.testing.Events.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.streamwatch.model.AnomalyEvent;
import io.streamwatch.model.Severity;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** Flap suppression in event time, and that it leaves no state or timers behind. */
class FlapFilterTest {
    private static final AnomalyEvent OPENED = opened("s", "ewma", Severity.CRITICAL, T0);

    @Test
    void anAnomalyResolvedWithinTheMinimumFiringDurationIsRecordedButNotSent() throws Exception {
        try (var harness = harness(2 * MINUTE)) {
            harness.processElement(OPENED, OPENED.windowEnd - 1);
            harness.processWatermark(T0 + 2 * MINUTE);
            assertThat(harness.extractOutputValues()).isEmpty();

            AnomalyEvent resolved = resolved(OPENED, T0 + MINUTE);
            harness.processElement(resolved, resolved.windowEnd - 1);

            assertThat(harness.extractOutputValues())
                    .extracting(e -> e.anomaly.kind, e -> e.suppressedBy)
                    .containsExactly(
                            tuple(
                                    AnomalyEvent.Kind.OPENED,
                                    "flap: resolved within the minimum firing duration of 120000 ms"),
                            tuple(
                                    AnomalyEvent.Kind.RESOLVED,
                                    "flap: resolved within the minimum firing duration of 120000 ms"));
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void anAnomalyStillOpenAfterTheMinimumFiringDurationIsReleasedThenItsResolvePasses() throws Exception {
        try (var harness = harness(2 * MINUTE)) {
            harness.processElement(OPENED, OPENED.windowEnd - 1);
            harness.processWatermark(OPENED.windowEnd - 1 + 2 * MINUTE);
            assertThat(harness.extractOutputValues()).extracting(e -> e.anomaly).containsExactly(OPENED);
            assertThat(harness.numKeyedStateEntries()).isZero();

            AnomalyEvent resolved = resolved(OPENED, T0 + 5 * MINUTE);
            harness.processElement(resolved, resolved.windowEnd - 1);

            List<AlertEvent> out = harness.extractOutputValues();
            assertThat(out).extracting(e -> e.anomaly).containsExactly(OPENED, resolved);
            assertThat(out).allSatisfy(e -> assertThat(e.suppressedBy).isNull());
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void zeroLetsEverythingThroughAtOnce() throws Exception {
        try (var harness = harness(0)) {
            AnomalyEvent resolved = resolved(OPENED, T0 + MINUTE);
            harness.processElement(OPENED, OPENED.windowEnd - 1);
            harness.processElement(resolved, resolved.windowEnd - 1);
            assertThat(harness.extractOutputValues()).extracting(e -> e.anomaly).containsExactly(OPENED, resolved);
            assertThat(harness.numKeyedStateEntries()).isZero();
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AnomalyEvent, AlertEvent> harness(long minFiring)
            throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new FlapFilter(minFiring), AnomalyEvent::anomalyId, Types.STRING);
    }
}
