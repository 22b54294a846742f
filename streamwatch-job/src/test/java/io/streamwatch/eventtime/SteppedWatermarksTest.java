package io.streamwatch.eventtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class SteppedWatermarksTest {
    private final List<Long> emitted = new ArrayList<>();
    private final WatermarkOutput output = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    };
    private final SteppedWatermarks<Object> generator =
            new SteppedWatermarks<>(new PartitionClock.Rule(5_000, 0, 1), 1_000);

    @Test
    void advancesOnEventsInStepsOfEventTime() {
        for (long t = 10_000; t <= 13_000; t += 250) generator.onEvent("e", t, output);
        // first event emits at once; then one watermark per second of event time
        assertThat(emitted).containsExactly(4_999L, 5_999L, 6_999L, 7_999L);
    }

    @Test
    void outOfOrderEventsNeverMoveItBack() {
        generator.onEvent("e", 20_000, output);
        generator.onEvent("e", 12_000, output);
        generator.onPeriodicEmit(output);
        assertThat(emitted).containsExactly(14_999L);
    }

    @Test
    void periodicEmissionCarriesWhatTheStepsHeldBack() {
        generator.onEvent("e", 10_000, output);
        generator.onEvent("e", 10_400, output);
        generator.onPeriodicEmit(output);
        generator.onPeriodicEmit(output); // nothing new: nothing emitted
        assertThat(emitted).containsExactly(4_999L, 5_399L);
    }

    @Test
    void recordsWithoutEventTimeDoNotAdvanceIt() {
        generator.onEvent("dead letter", Long.MIN_VALUE, output);
        generator.onPeriodicEmit(output);
        assertThat(emitted).isEmpty();
    }

    @Test
    void theSameDataGivesTheSameWatermarksWhateverTheReadSpeed() {
        // read fast (no periodic emission in between) and read slowly (periodic after each event)
        SteppedWatermarks<Object> slow = new SteppedWatermarks<>(new PartitionClock.Rule(5_000, 0, 1), 1_000);
        List<Long> slowEmitted = new ArrayList<>();
        WatermarkOutput slowOutput = new WatermarkOutput() {
            @Override
            public void emitWatermark(Watermark w) {
                slowEmitted.add(w.getTimestamp());
            }

            @Override
            public void markIdle() {}

            @Override
            public void markActive() {}
        };
        for (long t = 0; t < 60_000; t += 1_500) {
            generator.onEvent("e", t, output);
            slow.onEvent("e", t, slowOutput);
            slow.onPeriodicEmit(slowOutput);
        }
        // every watermark a fast reader emits, a slow reader reaches too: timers fire at the same data
        assertThat(slowEmitted).containsAll(emitted);
        assertThat(emitted.get(emitted.size() - 1))
                .isGreaterThanOrEqualTo(slowEmitted.get(slowEmitted.size() - 1) - 1_000);
    }

    private static final long HOUR = 3_600_000L;

    @Test
    void oneEventFarAheadOfAReplayDoesNotDragTheWatermark() {
        SteppedWatermarks<Object> guarded = new SteppedWatermarks<>(new PartitionClock.Rule(5_000, HOUR, 3), 1_000);
        long t = 10 * HOUR;
        guarded.onEvent("replayed", t, output);
        guarded.onEvent("live, stamped hours ahead", t + 5 * HOUR, output);
        guarded.onEvent("replayed", t + 2_000, output);
        guarded.onEvent("live again", t + 5 * HOUR + 1, output);
        guarded.onEvent("replayed", t + 4_000, output);
        guarded.onPeriodicEmit(output);

        assertThat(emitted).allSatisfy(w -> assertThat(w).isLessThan(t));
        assertThat(emitted).last().isEqualTo(t + 4_000 - 5_001);
    }

    @Test
    void aRealJumpAfterAnOutageMovesItOnceConfirmed() {
        SteppedWatermarks<Object> guarded = new SteppedWatermarks<>(new PartitionClock.Rule(5_000, HOUR, 3), 1_000);
        long t = 10 * HOUR;
        guarded.onEvent("before the outage", t, output);
        long back = t + 3 * HOUR;
        guarded.onEvent("after", back + 1_000, output);
        guarded.onEvent("after", back, output);
        assertThat(emitted).containsExactly(t - 5_001);
        guarded.onEvent("after", back + 2_000, output);
        // the third in a row confirms: the watermark stands at the run's earliest event
        assertThat(emitted).containsExactly(t - 5_001, back - 5_001);
        guarded.onEvent("after", back + 3_000, output);
        assertThat(emitted).last().isEqualTo(back + 3_000 - 5_001);
    }

    @Test
    void withoutAGuardAJumpMovesItAtOnce() {
        long t = 10 * HOUR;
        generator.onEvent("e", t, output);
        generator.onEvent("e", t + 5 * HOUR, output);
        assertThat(emitted).containsExactly(t - 5_001, t + 5 * HOUR - 5_001);
    }
}
