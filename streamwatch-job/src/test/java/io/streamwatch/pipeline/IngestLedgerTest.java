package io.streamwatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.eventtime.PartitionClock;
import io.streamwatch.model.DeadLetter;
import io.streamwatch.model.Event;
import io.streamwatch.model.Ingested;
import io.streamwatch.model.LedgerCounts;
import io.streamwatch.model.SideOutputs;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class IngestLedgerTest {
    private static final long MINUTE = 60_000;
    private static final long T0 = 1_714_521_600_000L;

    @Test
    void addsDeltasIntoRunningTotalsAndForgetsARowAfterItsRetention() throws Exception {
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new IngestLedger(MINUTE)), LedgerCounts::rowKey, Types.STRING)) {
            harness.open();
            harness.setProcessingTime(0);
            harness.processElement(
                    new StreamRecord<>(LedgerCounts.at("t", 0, T0).readAt(5).valid()));
            harness.processElement(new StreamRecord<>(
                    LedgerCounts.at("t", 0, T0 + 10).readAt(7).invalid()));
            harness.processElement(
                    new StreamRecord<>(LedgerCounts.at("t", 0, T0 + 20).duplicate()));
            harness.processElement(
                    new StreamRecord<>(LedgerCounts.at("t", 1, T0).readAt(3).valid()));

            List<LedgerCounts> out = harness.extractOutputValues();
            LedgerCounts last = out.get(2);
            assertThat(last.read).isEqualTo(2);
            assertThat(last.valid).isEqualTo(1);
            assertThat(last.invalid).isEqualTo(1);
            assertThat(last.duplicates).isEqualTo(1);
            assertThat(last.firstOffset).isEqualTo(5);
            assertThat(last.lastOffset).isEqualTo(7);
            assertThat(out.get(3).partition).isEqualTo(1);
            assertThat(harness.numKeyedStateEntries()).isEqualTo(4);

            harness.setProcessingTime(MINUTE);
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numProcessingTimeTimers()).isZero();
        }
    }

    @Test
    void theContractStageSendsItsTalliesBeforeTheCheckpointBarrierNotPerRecord() throws Exception {
        try (var harness =
                new OneInputStreamOperatorTestHarness<>(new ValidationSplitter(new PartitionClock.Rule(0, 0, 1)))) {
            harness.open();
            for (int offset = 0; offset < 5; offset++) {
                Event e = new Event("e" + offset, "s", T0, 1).withLineage("t", 0, offset, T0 + offset * MINUTE / 2);
                harness.processElement(new StreamRecord<>(Ingested.valid(e)));
            }
            harness.processElement(new StreamRecord<>(Ingested.invalid(
                    new DeadLetter("t", 0, 5, T0, new byte[0], DeadLetter.ErrorCode.EMPTY_PAYLOAD, "empty"))));
            assertThat(harness.getSideOutput(SideOutputs.LEDGER)).isNull();

            harness.prepareSnapshotPreBarrier(1);

            List<LedgerCounts> tallies = harness.getSideOutput(SideOutputs.LEDGER).stream()
                    .map(StreamRecord::getValue)
                    .sorted(java.util.Comparator.comparingLong(c -> c.arrivalMinute))
                    .toList();
            assertThat(tallies).hasSize(3); // minutes 0, 1 and 2 of arrival
            assertThat(tallies.stream().mapToLong(c -> c.read).sum()).isEqualTo(6);
            assertThat(tallies.get(0).invalid).isEqualTo(1);
            assertThat(tallies.get(0).firstOffset).isZero();
            assertThat(tallies.get(2).lastOffset).isEqualTo(4);
            assertThat(harness.extractOutputValues()).hasSize(5);
        }
    }
}
