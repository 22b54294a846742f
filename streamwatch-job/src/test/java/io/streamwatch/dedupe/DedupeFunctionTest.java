package io.streamwatch.dedupe;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.dedupe.DedupeSettings.Scope;
import io.streamwatch.model.Event;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DedupeFunctionTest {
    private static final long RETENTION = Duration.ofMinutes(10).toMillis();
    private static final long INTERVAL = Duration.ofMinutes(1).toMillis();

    private KeyedOneInputStreamOperatorTestHarness<String, Event, Event> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = harness(Scope.SERIES);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Event, Event> harness(Scope scope) throws Exception {
        DedupeSettings settings = new DedupeSettings(scope, Duration.ofMillis(RETENTION), Duration.ofMillis(INTERVAL));
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DedupeFunction(settings)), DedupeFunction.scopeKey(scope), Types.STRING);
        h.open();
        return h;
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static Event event(String id, String series, long time) {
        Event e = new Event(id, series, time, 1.0);
        e.source = "agent-" + series;
        return e;
    }

    private void send(Event e) throws Exception {
        harness.processElement(new StreamRecord<>(e, e.eventTime));
    }

    /** A new operator, restored from a snapshot of the current one. */
    private void restoreFromSnapshot() throws Exception {
        var snapshot = harness.snapshot(1L, 1L);
        harness.close();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DedupeFunction(
                        new DedupeSettings(Scope.SERIES, Duration.ofMillis(RETENTION), Duration.ofMillis(INTERVAL)))),
                DedupeFunction.scopeKey(Scope.SERIES),
                Types.STRING);
        harness.initializeState(snapshot);
        harness.open();
    }

    private List<String> outputIds() {
        return harness.extractOutputValues().stream().map(e -> e.eventId).toList();
    }

    @Test
    void dropsRepeatsAndCleansUpAfterRetention() throws Exception {
        send(event("A", "s1", 1_000));
        send(event("A", "s1", 1_000));
        send(event("B", "s1", 2_000));

        assertThat(outputIds()).containsExactly("A", "B");
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2); // the id map and the cleanup queue
        // both ids share one cleanup timer: they expire in the same interval
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.processWatermark(2_000 + RETENTION + INTERVAL);

        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aCopyIsADuplicateByItsOwnPartitionsWatermarkNotByTheOperators() throws Exception {
        send(event("A", "s1", 0));
        Event sameClockLater = event("A", "s1", 0);
        sameClockLater.partitionWatermark = RETENTION - 1; // its partition: the first copy not yet expired
        send(sameClockLater);
        Event afterExpiry = event("A", "s1", 2 * RETENTION); // resent much later
        afterExpiry.partitionWatermark = RETENTION; // its partition is past the expiry, though the state is still there
        send(afterExpiry);
        assertThat(outputIds()).containsExactly("A", "A");

        // the copy that counted again expires later; the first copy's cleanup must not drop it early
        harness.processWatermark(RETENTION);
        Event third = event("A", "s1", 2 * RETENTION);
        third.partitionWatermark = RETENTION + 1;
        send(third);
        assertThat(outputIds()).containsExactly("A", "A");
    }

    @Test
    void remembersAnIdUntilTheWatermarkPassesItsRetention() throws Exception {
        send(event("A", "s1", 0));
        harness.processWatermark(RETENTION - 1);
        send(event("A", "s1", 0));
        assertThat(outputIds()).containsExactly("A");

        harness.processWatermark(RETENTION + INTERVAL);
        send(event("A", "s1", 0)); // forgotten: retention is bounded by design
        assertThat(outputIds()).containsExactly("A", "A");
    }

    @Test
    void coalescesTimersPerCleanupInterval() throws Exception {
        for (int i = 0; i < 600; i++) {
            send(event("id-" + i, "s1", i * 1_000L)); // ten minutes of ids, one per second
        }
        assertThat(outputIds()).hasSize(600);
        assertThat(harness.numEventTimeTimers()).isLessThanOrEqualTo((int) (RETENTION / INTERVAL) + 1);
    }

    @Test
    void aCleanupTimerThatFiredIsRegisteredAgainForALaterEventOfTheSameInterval() throws Exception {
        send(event("A", "s1", 0));
        harness.processWatermark(RETENTION + INTERVAL); // A's timer fired, its state is gone
        assertThat(harness.numKeyedStateEntries()).isZero();

        // an event whose cleanup time is the one that fired: the remembered registration must not stand
        Event late = event("B", "s1", 0);
        late.partitionWatermark = 0;
        send(late);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        harness.processWatermark(RETENTION + 2 * INTERVAL);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void everyKeyKeepsItsTimerWhenKeysOutnumberTheCacheOfRegisteredTimers() throws Exception {
        int series = 100_000; // more keys than the cache has slots: keys share slots and evict each other
        for (int round = 0; round < 2; round++) {
            // both rounds in one cleanup interval: one timer per key
            for (int s = 0; s < series; s++) send(event("id-" + round + "-" + s, "s" + s, 1 + round * 1_000L));
        }
        assertThat(harness.numEventTimeTimers()).isEqualTo(series);
        harness.processWatermark(1_000 + RETENTION + INTERVAL);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aRestoredOperatorRegistersItsKeysTimersAgainWithoutLosingOne() throws Exception {
        send(event("A", "s1", 1));
        restoreFromSnapshot();

        send(event("B", "s1", 1_000)); // same cleanup interval as A: the restored timer, registered again
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        harness.processWatermark(1_000 + RETENTION + INTERVAL);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void sameIdInAnotherSeriesIsNotADuplicateWhenScopedBySeries() throws Exception {
        send(event("A", "s1", 0));
        send(event("A", "s2", 0));
        assertThat(outputIds()).containsExactly("A", "A");
    }

    @Test
    void sourceScopeDedupesAcrossSeriesOfOneSource() throws Exception {
        harness.close();
        harness = harness(Scope.SOURCE);
        Event a = event("A", "s1", 0);
        Event b = event("A", "s2", 0);
        b.source = a.source;
        send(a);
        send(b);
        assertThat(outputIds()).containsExactly("A");
    }

    @Test
    void stateSurvivesASnapshotAndRestore() throws Exception {
        send(event("A", "s1", 0));
        restoreFromSnapshot();
        send(event("A", "s1", 0));
        assertThat(outputIds()).isEmpty();
    }
}
