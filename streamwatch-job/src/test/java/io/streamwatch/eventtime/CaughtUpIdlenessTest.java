package io.streamwatch.eventtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.InputStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reader of {@link CaughtUpIdleness} driven as Flink's source operator drives it, over a scripted
 * reader of two splits and a clock the test moves: a split goes idle after a second of the reader
 * waiting, never while the reader is busy with the other split's records.
 */
class CaughtUpIdlenessTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    private final ScriptedReader fetcher = new ScriptedReader();
    private final Operator operator = new Operator();
    private CaughtUpIdleness.Reader<String, Split> reader;

    @BeforeEach
    void open() {
        reader = new CaughtUpIdleness.Reader<>(fetcher, SECOND, clock::get);
        reader.addSplits(List.of(new Split("p0"), new Split("p1")));
    }

    @Test
    void aSplitWhoseRecordsWaitBehindAnotherBacklogNeverGoesIdle() throws Exception {
        // a minute of p0's records handed out back to back, with the fetcher's short hand-overs between
        for (int i = 0; i < 60; i++) {
            deliver("p0", 100, 10);
            waitMillis(1, true);
        }
        assertThat(reader.idleSplits()).isEmpty();
        assertThat(operator.idle).isEmpty();
        deliver("p1", 10, 10);
        assertThat(operator.markedIdle).isZero();
    }

    @Test
    void aSplitGoesIdleAfterTheReaderWaitedTheIdlenessSinceItsLastRecordAndIsActiveWithItsNext() throws Exception {
        deliver("p1", 1, 1);
        deliver("p0", 1, 1);
        for (int i = 0; i < 3; i++) {
            waitMillis(400, true); // the live producer of p0, a batch every 400 ms
            deliver("p0", 5, 1);
        }
        assertThat(operator.idle).containsExactly("p1");
        assertThat(reader.idleSplits()).containsExactly("p1");

        deliver("p1", 1, 1);
        assertThat(operator.idle).isEmpty();
        assertThat(reader.idleSplits()).isEmpty();
    }

    @Test
    void whileTheReaderWaitsBothSplitsGoIdleOnTime() throws Exception {
        deliver("p0", 1, 1);
        pollAndWait();
        clock.addAndGet(999 * TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(reader.pollNext(operator)).isEqualTo(InputStatus.NOTHING_AVAILABLE); // a look, no answer yet
        assertThat(operator.idle).isEmpty();
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(2));
        reader.pollNext(operator);
        assertThat(operator.idle).containsExactlyInAnyOrder("p0", "p1");
    }

    @Test
    void beforeItsFirstRecordAReaderWaitsTenSecondsLongerForItIsStarting() throws Exception {
        pollAndWait();
        clock.addAndGet(10 * SECOND + 999 * TimeUnit.MILLISECONDS.toNanos(1));
        reader.pollNext(operator);
        assertThat(operator.idle).as("a consumer starting is not caught up").isEmpty();
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(2));
        reader.pollNext(operator);
        assertThat(operator.idle).as("nothing at all to read").containsExactlyInAnyOrder("p0", "p1");
    }

    @Test
    void recordsAfterALongWaitGiveEverySplitAFreshStart() throws Exception {
        deliver("p0", 1, 1);
        // a broker slow to answer: nothing for five seconds, then p0's records first, p1's behind them
        pollAndWait();
        clock.addAndGet(5 * SECOND);
        reader.pollNext(operator); // a look during the wait
        assertThat(operator.idle).containsExactlyInAnyOrder("p0", "p1");
        answer();
        deliver("p0", 1, 1);
        assertThat(operator.idle).as("p1 active again with p0's first record").isEmpty();
        deliver("p0", 200, 10);
        waitMillis(1, true);
        deliver("p1", 10, 1);
        assertThat(reader.idleSplits()).isEmpty();
    }

    @Test
    void recordsAfterTheReaderGotNothingForTheIdlenessGiveEverySplitAFreshStartThoughEmptyAnswersCutTheWait()
            throws Exception {
        deliver("p1", 1, 1);
        // nothing from Kafka for 1.2 s, in two waits each ended by an empty answer (a poll timeout, a wake-up)
        waitMillis(600, true);
        waitMillis(600, true);
        reader.pollNext(operator);
        assertThat(operator.idle).containsExactlyInAnyOrder("p0", "p1");
        deliver("p0", 1, 1);
        assertThat(operator.idle).as("p1's records may come right after p0's").isEmpty();
    }

    @Test
    void anEmptyAnswerToALongWaitLeavesTheSplitsIdle() throws Exception {
        deliver("p0", 1, 1);
        waitMillis(10_000, true); // Kafka's fetcher answers an empty poll after 10 s
        assertThat(reader.pollNext(operator)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
        assertThat(operator.idle).containsExactlyInAnyOrder("p0", "p1");
    }

    @Test
    void aFinishedSplitIsForgotten() throws Exception {
        deliver("p1", 1, 1);
        fetcher.release("p1");
        reader.pollNext(operator);
        waitMillis(5_000, true);
        reader.pollNext(operator);
        assertThat(reader.idleSplits()).containsExactly("p0");
        assertThat(operator.splits).as("not created again to be marked idle").doesNotContainKey("p1");
    }

    @Test
    void aReaderWithoutSplitsMarksItsOutputIdleOnceItWaitedAsAStartingReaderDoes() throws Exception {
        CaughtUpIdleness.Reader<String, Split> splitless = new CaughtUpIdleness.Reader<>(fetcher, SECOND, clock::get);
        assertThat(splitless.pollNext(operator)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
        splitless.isAvailable();
        clock.addAndGet(10 * SECOND);
        splitless.pollNext(operator);
        assertThat(operator.outputIdle)
                .as("a partition may still be assigned to it")
                .isFalse();
        clock.addAndGet(SECOND + 1);
        splitless.pollNext(operator);
        assertThat(operator.outputIdle).isTrue();
    }

    /** Hands out {@code records} of the split, each taking {@code millisEach}. */
    private void deliver(String split, int records, long millisEach) throws Exception {
        for (int i = 0; i < records; i++) fetcher.queue.add(split);
        answer();
        while (!fetcher.queue.isEmpty() || fetcher.released != null) {
            clock.addAndGet(millisEach * TimeUnit.MILLISECONDS.toNanos(1));
            reader.pollNext(operator);
        }
    }

    /** The reader finds nothing: it waits; the operator asks when to look again. */
    private void pollAndWait() throws Exception {
        assertThat(reader.pollNext(operator)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
        reader.isAvailable();
    }

    /** A wait of {@code millis}, ended by the fetcher's answer or not. */
    private void waitMillis(long millis, boolean answered) throws Exception {
        pollAndWait();
        clock.addAndGet(millis * TimeUnit.MILLISECONDS.toNanos(1));
        if (answered) answer();
    }

    private void answer() {
        fetcher.available.complete(null);
    }

    private record Split(String splitId) implements SourceSplit {}

    /** A fetcher that hands out what the test queued, one record per poll, and says when it has more. */
    private static final class ScriptedReader implements SourceReader<String, Split> {
        final Queue<String> queue = new ArrayDeque<>();
        CompletableFuture<Void> available = new CompletableFuture<>();
        String released;

        void release(String split) {
            released = split;
        }

        @Override
        public InputStatus pollNext(ReaderOutput<String> output) {
            if (released != null) {
                output.releaseOutputForSplit(released);
                released = null;
            }
            String split = queue.poll();
            if (split == null) {
                if (available.isDone()) available = new CompletableFuture<>();
                return InputStatus.NOTHING_AVAILABLE;
            }
            output.createOutputForSplit(split).collect(split + "-record");
            return InputStatus.MORE_AVAILABLE;
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return available;
        }

        @Override
        public void start() {}

        @Override
        public List<Split> snapshotState(long checkpointId) {
            return List.of();
        }

        @Override
        public void addSplits(List<Split> splits) {}

        @Override
        public void notifyNoMoreSplits() {}

        @Override
        public void close() {}

        @Override
        public void pauseOrResumeSplits(Collection<String> splitsToPause, Collection<String> splitsToResume) {}
    }

    /** The source operator's output: which splits are marked idle, as the watermark multiplexer keeps them. */
    private static class Operator implements ReaderOutput<String> {
        final Map<String, SourceOutput<String>> splits = new LinkedHashMap<>();
        final java.util.Set<String> idle = new java.util.TreeSet<>();
        int markedIdle;
        boolean outputIdle;

        @Override
        public SourceOutput<String> createOutputForSplit(String splitId) {
            return splits.computeIfAbsent(splitId, id -> new SourceOutput<>() {
                @Override
                public void collect(String record) {}

                @Override
                public void collect(String record, long timestamp) {}

                @Override
                public void emitWatermark(Watermark watermark) {}

                @Override
                public void markIdle() {
                    markedIdle++;
                    idle.add(id);
                }

                @Override
                public void markActive() {
                    idle.remove(id);
                }
            });
        }

        @Override
        public void releaseOutputForSplit(String splitId) {
            splits.remove(splitId);
            idle.remove(splitId);
        }

        @Override
        public void collect(String record) {}

        @Override
        public void collect(String record, long timestamp) {}

        @Override
        public void emitWatermark(Watermark watermark) {}

        @Override
        public void markIdle() {
            outputIdle = true;
        }

        @Override
        public void markActive() {
            outputIdle = false;
        }
    }
}
