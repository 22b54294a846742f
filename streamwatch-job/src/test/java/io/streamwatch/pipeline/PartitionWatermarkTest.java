package io.streamwatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.eventtime.PartitionClock;
import io.streamwatch.model.Event;
import io.streamwatch.model.Ingested;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The contract stage stamps each event with its own partition's watermark, and keeps it across restores. */
class PartitionWatermarkTest {
    private static final long T0 = 1_714_521_600_000L;
    private static final long SECOND = 1_000;
    private static final PartitionClock.Rule RULE = new PartitionClock.Rule(5 * SECOND, 3_600 * SECOND, 3);

    @Test
    void eachEventCarriesTheWatermarkOfTheRecordsBeforeItInItsPartitionOnly() throws Exception {
        try (var harness = harness()) {
            harness.open();
            send(harness, 0, 0, T0 + 60 * SECOND);
            send(harness, 1, 0, T0 + 10 * SECOND); // another partition: its own clock
            send(harness, 0, 1, T0 + 20 * SECOND); // behind partition 0
            send(harness, 1, 1, T0 + 12 * SECOND);

            List<Event> out = harness.extractOutputValues();
            assertThat(out)
                    .extracting(e -> e.partitionWatermark)
                    .containsExactly(Long.MIN_VALUE, Long.MIN_VALUE, T0 + 55 * SECOND - 1, T0 + 5 * SECOND - 1);
        }
    }

    @Test
    void aSingleEventFarAheadDoesNotMoveThePartitionsWatermark() throws Exception {
        try (var harness = harness()) {
            harness.open();
            send(harness, 0, 0, T0);
            send(harness, 0, 1, T0 + 5 * 3_600 * SECOND); // a wrong clock
            send(harness, 0, 2, T0 + 10 * SECOND);
            assertThat(harness.extractOutputValues().get(2).partitionWatermark).isEqualTo(T0 - 5 * SECOND - 1);
        }
    }

    @Test
    void aRestoreResumesEachPartitionsClockWhereTheCheckpointLeftIt() throws Exception {
        OperatorSubtaskState snapshot;
        try (var harness = harness()) {
            harness.open();
            send(harness, 0, 0, T0 + 60 * SECOND);
            send(harness, 1, 0, T0 + 30 * SECOND);
            snapshot = harness.snapshot(1, 1);
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            send(restored, 0, 1, T0);
            send(restored, 1, 1, T0);
            assertThat(restored.extractOutputValues())
                    .extracting(e -> e.partitionWatermark)
                    .containsExactly(T0 + 55 * SECOND - 1, T0 + 25 * SECOND - 1);
        }
    }

    @Test
    void afterARescaleEachPartitionsNewestClockWins() throws Exception {
        // two subtasks each restored every clock (union state); only the owner of a partition moved it on
        OperatorSubtaskState first;
        OperatorSubtaskState second;
        try (var a = harness(2, 0);
                var b = harness(2, 1)) {
            a.open();
            b.open();
            send(a, 0, 0, T0 + 10 * SECOND);
            send(b, 1, 0, T0 + 20 * SECOND);
            OperatorSubtaskState both =
                    AbstractStreamOperatorTestHarness.repackageState(a.snapshot(1, 1), b.snapshot(1, 1));
            try (var a2 = harness(2, 0);
                    var b2 = harness(2, 1)) {
                a2.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(both, 128, 2, 2, 0));
                b2.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(both, 128, 2, 2, 1));
                a2.open();
                b2.open();
                send(a2, 0, 1, T0 + 70 * SECOND); // a2 owns partition 0 and moves it on
                first = a2.snapshot(2, 2);
                second = b2.snapshot(2, 2); // b2 still holds partition 0's older copy
            }
        }
        OperatorSubtaskState merged = AbstractStreamOperatorTestHarness.repackageState(first, second);
        try (var one = harness(1, 0)) {
            one.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(merged, 128, 2, 1, 0));
            one.open();
            send(one, 0, 2, T0);
            send(one, 1, 1, T0);
            assertThat(one.extractOutputValues())
                    .extracting(e -> e.partitionWatermark)
                    .containsExactly(T0 + 65 * SECOND - 1, T0 + 15 * SECOND - 1);
        }
    }

    @Test
    void theEndOfInputSendsTheFinalWatermarkEvenWhenTheSourceWasIdle() throws Exception {
        try (var harness = harness()) {
            harness.open();
            send(harness, 0, 0, T0);
            harness.processWatermarkStatus(WatermarkStatus.IDLE);
            harness.endInput();
            List<Object> out = List.copyOf(harness.getOutput());
            assertThat(out).contains(WatermarkStatus.ACTIVE, Watermark.MAX_WATERMARK);
            assertThat(out.indexOf(WatermarkStatus.ACTIVE)).isLessThan(out.indexOf(Watermark.MAX_WATERMARK));
        }
    }

    private static OneInputStreamOperatorTestHarness<Ingested, Event> harness() throws Exception {
        return harness(1, 0);
    }

    private static OneInputStreamOperatorTestHarness<Ingested, Event> harness(int parallelism, int subtask)
            throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new ValidationSplitter(RULE), 128, parallelism, subtask);
    }

    private static void send(
            OneInputStreamOperatorTestHarness<Ingested, Event> harness, int partition, long offset, long t)
            throws Exception {
        Event e = new Event("e-" + partition + "-" + offset, "s", t, 1).withLineage("t", partition, offset, t);
        harness.processElement(new StreamRecord<>(Ingested.valid(e)));
    }
}
