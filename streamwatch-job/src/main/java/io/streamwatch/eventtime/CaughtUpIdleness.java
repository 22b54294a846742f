package io.streamwatch.eventtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Idleness that cannot pass over a split with records still to deliver: a source whose splits (Kafka
 * partitions) are marked idle only when their reader is caught up on them, where Flink's idleness
 * ({@code WatermarkStrategy.withIdleness}) counts wall-clock time without a record.
 *
 * <p>Why: a reader reads its splits through one fetcher, and Flink's Kafka source hands out what a
 * fetch brought one partition at a time. While a reader works through a backlog, a partition whose
 * records wait behind another's gets none for as long as that takes; with wall-clock idleness it is
 * marked idle, the watermark runs on with the others, and its records then arrive behind it: late,
 * only because of how fast the topic was read.
 *
 * <p>The rule: a split's quiet time grows only while its reader <em>waits</em>, that is when the
 * reader has handed on every record fetched so far and the fetcher has nothing new for it; a record
 * of the split sets it back to zero, and at {@code idleness} the split is marked idle. Time the reader
 * spends handing out other splits' records does not count, so a backlog never makes a split idle: each
 * Kafka fetch asks for every partition the reader has, so one with records left gets some in the very
 * answer that ends the wait. When the reader got no record at all for {@code idleness} of waiting (a
 * consumer slow to start, a broker slow to answer, every partition quiet), its next record shows
 * nothing about the other partitions, whose records may come right after it: all start afresh, active.
 * Before its first record a reader waits 10 s longer: a consumer that is starting is not caught up.
 *
 * <p>Its state is the wrapped source's (the splits and the enumerator), with the same serializers.
 */
public final class CaughtUpIdleness<T, S extends SourceSplit, E> implements Source<T, S, E> {
    private static final long serialVersionUID = 1L;
    private final Source<T, S, E> delegate;
    private final long idlenessNanos;

    private CaughtUpIdleness(Source<T, S, E> delegate, long idlenessNanos) {
        this.delegate = delegate;
        this.idlenessNanos = idlenessNanos;
    }

    /** The source with this idleness; idleness zero: the source itself, whose splits never go idle. */
    public static <T, S extends SourceSplit, E> Source<T, S, E> of(Source<T, S, E> source, Duration idleness) {
        return idleness.isZero() ? source : new CaughtUpIdleness<>(source, idleness.toNanos());
    }

    @Override
    public Boundedness getBoundedness() {
        return delegate.getBoundedness();
    }

    @Override
    public SourceReader<T, S> createReader(SourceReaderContext context) throws Exception {
        return new Reader<>(delegate.createReader(context), idlenessNanos, System::nanoTime);
    }

    @Override
    public SplitEnumerator<S, E> createEnumerator(SplitEnumeratorContext<S> context) throws Exception {
        return delegate.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<S, E> restoreEnumerator(SplitEnumeratorContext<S> context, E checkpoint) throws Exception {
        return delegate.restoreEnumerator(context, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<S> getSplitSerializer() {
        return delegate.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<E> getEnumeratorCheckpointSerializer() {
        return delegate.getEnumeratorCheckpointSerializer();
    }

    /**
     * The reader: measures its waits and marks the splits of the operator's output idle and active.
     * Everything but the end of a wait happens in the task's thread; the fetcher's answer ends a wait
     * from whatever thread completes the wrapped reader's availability.
     */
    static final class Reader<T, S extends SourceSplit> implements SourceReader<T, S> {
        private static final long NONE = Long.MIN_VALUE;
        /**
         * Waiting a reader does before its first record on top of the idleness: a consumer starting
         * (metadata, offsets, the first fetch) is not caught up. Kafka's fetcher answers an empty poll
         * after 10 s, so a reader with nothing at all to read still goes idle.
         */
        static final long START_NANOS = TimeUnit.SECONDS.toNanos(10);

        private final SourceReader<T, S> delegate;
        private final long idlenessNanos;
        private final LongSupplier clock;
        private final Map<String, Quiet> splits = new LinkedHashMap<>();
        /** The operator's output and ours around it, from the last {@link #pollNext}. */
        private ReaderOutput<T> output;

        private Outputs outputs;
        /** Total length of the waits that ended. */
        private long waited;
        /** When the current wait began, or {@link #NONE} while the reader is not waiting. */
        private long waitingSince = NONE;
        /** When the fetcher answered the current wait, or {@link #NONE}. */
        private final AtomicLong answeredAt = new AtomicLong(NONE);
        /** The waiting time at the reader's last record, of any split. */
        private long waitedAtLastRecord;

        private boolean hadRecord;
        /** Whether the operator's output was marked idle for want of splits. */
        private boolean outputIdle;

        private long checkedAt = NONE;
        /** Completes when a split may be due to go idle, to look while the reader waits. */
        private CompletableFuture<Void> nextLook;

        Reader(SourceReader<T, S> delegate, long idlenessNanos, LongSupplier clock) {
            this.delegate = delegate;
            this.idlenessNanos = idlenessNanos;
            this.clock = clock;
        }

        @Override
        public InputStatus pollNext(ReaderOutput<T> operatorOutput) throws Exception {
            if (operatorOutput != output) {
                output = operatorOutput;
                outputs = new Outputs(operatorOutput);
            }
            endWaitIfAnswered();
            markQuietSplitsIdle();
            InputStatus status = delegate.pollNext(outputs);
            if (status == InputStatus.NOTHING_AVAILABLE && waitingSince == NONE) {
                answeredAt.set(NONE);
                waitingSince = clock.getAsLong();
            }
            return status;
        }

        private void endWaitIfAnswered() {
            long answered = answeredAt.get();
            if (waitingSince == NONE || answered == NONE) return;
            waited += Math.max(0, answered - waitingSince);
            waitingSince = NONE;
        }

        /** Waiting time so far: the waits that ended and the current one. */
        private long waitedNow() {
            return waitingSince == NONE ? waited : waited + Math.max(0, clock.getAsLong() - waitingSince);
        }

        /** Marks idle every split quiet for the idleness; only when the waiting time moved since the last look. */
        private void markQuietSplitsIdle() {
            long now = waitedNow();
            if (now == checkedAt || output == null) return;
            checkedAt = now;
            if (splits.isEmpty()) {
                // more readers than partitions: one with none must not hold the others' watermark back
                if (!outputIdle && now - waitedAtLastRecord >= quietEnough()) {
                    outputIdle = true;
                    output.markIdle();
                }
                return;
            }
            for (Map.Entry<String, Quiet> e : splits.entrySet()) {
                Quiet split = e.getValue();
                if (now - split.waitedAtLastRecord < quietEnough()) continue;
                split.idle = true;
                // again on every look: the split's watermark generator may have marked it active since
                outputs.splitOutput(e.getKey()).markIdle();
            }
        }

        /** The quiet time that makes a split idle. */
        private long quietEnough() {
            return hadRecord ? idlenessNanos : idlenessNanos + START_NANOS;
        }

        private void onRecord(Quiet split) {
            if (waited - waitedAtLastRecord >= idlenessNanos) {
                // the reader got nothing at all for the idleness (starting, a broker slow to answer): that
                // shows nothing about which partition is caught up, and the others' records may follow these
                for (Map.Entry<String, Quiet> e : splits.entrySet()) {
                    if (e.getValue() != split) activate(e.getKey(), e.getValue());
                }
            }
            hadRecord = true;
            waitedAtLastRecord = waited;
            split.waitedAtLastRecord = waited;
            if (split.idle) {
                split.idle = false;
                split.output.markActive();
            }
        }

        private void activate(String splitId, Quiet split) {
            split.waitedAtLastRecord = waited;
            if (split.idle) {
                split.idle = false;
                outputs.splitOutput(splitId).markActive();
            }
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            CompletableFuture<Void> available = delegate.isAvailable();
            if (waitingSince == NONE) return available;
            available.thenRun(() -> answeredAt.compareAndSet(NONE, clock.getAsLong()));
            long untilNextLook = untilNextLook();
            if (untilNextLook == NONE) return available;
            // one look at a time: a split's due time only moves later, so a pending look is never late
            if (nextLook == null || nextLook.isDone()) {
                CompletableFuture<Void> look = new CompletableFuture<>();
                CompletableFuture.delayedExecutor(untilNextLook, TimeUnit.NANOSECONDS)
                        .execute(() -> look.complete(null));
                nextLook = look;
            }
            return available.applyToEither(nextLook, x -> x);
        }

        /**
         * How long until the next split (or, without splits, the reader) is due to go idle, or the
         * idleness when all are idle (to mark them again, see {@link #markQuietSplitsIdle}); {@link
         * #NONE} when nothing is left to mark.
         */
        private long untilNextLook() {
            long now = waitedNow();
            if (splits.isEmpty()) {
                return outputIdle
                        ? NONE
                        : Math.max(waitedAtLastRecord + quietEnough() - now, TimeUnit.MILLISECONDS.toNanos(1));
            }
            long soonest = quietEnough();
            for (Quiet split : splits.values()) {
                if (!split.idle) soonest = Math.min(soonest, split.waitedAtLastRecord + quietEnough() - now);
            }
            return Math.max(soonest, TimeUnit.MILLISECONDS.toNanos(1));
        }

        @Override
        public void addSplits(List<S> added) {
            outputIdle = false;
            long now = waitedNow();
            for (S split : added) splits.putIfAbsent(split.splitId(), new Quiet(now));
            delegate.addSplits(added);
        }

        @Override
        public void start() {
            delegate.start();
        }

        @Override
        public List<S> snapshotState(long checkpointId) {
            return delegate.snapshotState(checkpointId);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            delegate.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) throws Exception {
            delegate.notifyCheckpointAborted(checkpointId);
        }

        @Override
        public void notifyNoMoreSplits() {
            delegate.notifyNoMoreSplits();
        }

        @Override
        public void handleSourceEvents(SourceEvent sourceEvent) {
            delegate.handleSourceEvents(sourceEvent);
        }

        @Override
        public void pauseOrResumeSplits(Collection<String> splitsToPause, Collection<String> splitsToResume) {
            delegate.pauseOrResumeSplits(splitsToPause, splitsToResume);
        }

        @Override
        public void close() throws Exception {
            delegate.close();
        }

        /** For tests: the splits marked idle. */
        List<String> idleSplits() {
            List<String> idle = new ArrayList<>();
            splits.forEach((id, split) -> {
                if (split.idle) idle.add(id);
            });
            return idle;
        }

        /** A split's quiet time: the waiting time at its last record, and whether it is marked idle. */
        private static final class Quiet {
            long waitedAtLastRecord;
            boolean idle;
            /** The operator's output of the split, once the reader or this wrapper asked for it. */
            SourceOutput<?> output;

            Quiet(long waitedAtLastRecord) {
                this.waitedAtLastRecord = waitedAtLastRecord;
            }
        }

        /** An output of the operator's, noting each record of its split ({@code quiet} null: no split). */
        private class NotingOutput<O extends SourceOutput<T>> implements SourceOutput<T> {
            final O operator;
            private final Quiet quiet;

            NotingOutput(O operator, Quiet quiet) {
                this.operator = operator;
                this.quiet = quiet;
            }

            @Override
            public void collect(T record) {
                if (quiet != null) onRecord(quiet);
                operator.collect(record);
            }

            @Override
            public void collect(T record, long timestamp) {
                if (quiet != null) onRecord(quiet);
                operator.collect(record, timestamp);
            }

            @Override
            public void emitWatermark(Watermark watermark) {
                operator.emitWatermark(watermark);
            }

            @Override
            public void markIdle() {
                operator.markIdle();
            }

            @Override
            public void markActive() {
                operator.markActive();
            }
        }

        /** The operator's output, with the splits' outputs wrapped to see their records. */
        private final class Outputs extends NotingOutput<ReaderOutput<T>> implements ReaderOutput<T> {
            Outputs(ReaderOutput<T> operator) {
                super(operator, null);
            }

            /** The operator's output of a split (Flink's operator creates it when the split is added). */
            SourceOutput<T> splitOutput(String splitId) {
                SourceOutput<T> split = operator.createOutputForSplit(splitId);
                Quiet quiet = splits.get(splitId);
                if (quiet != null) quiet.output = split;
                return split;
            }

            @Override
            public SourceOutput<T> createOutputForSplit(String splitId) {
                Quiet quiet = splits.computeIfAbsent(splitId, id -> new Quiet(waited));
                return new NotingOutput<>(splitOutput(splitId), quiet);
            }

            @Override
            public void releaseOutputForSplit(String splitId) {
                splits.remove(splitId);
                operator.releaseOutputForSplit(splitId);
            }
        }
    }
}
