package io.streamwatch.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
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
import org.apache.flink.testutils.junit.SharedReference;

/**
 * Wraps a real source (Kafka's, in the recovery tests) and fails its reader exactly once: once it
 * has emitted {@code afterRecords} records and at least one checkpoint has completed, so that the
 * failure finds data in flight that the last checkpoint does not cover, and the restore starts
 * from a point the test can place in the data. Until it fails, each poll (at most one record) is
 * slowed down by a millisecond, so that checkpoints complete all along the input and a fast reader
 * does not reach the end first.
 *
 * <p>What the test and the job share ({@link Trace}, through a {@link SharedReference} of
 * {@code SharedObjectsExtension}, so no static flag leaks between tests): whether it failed, and the
 * splits each checkpoint holds (for Kafka, the partitions and their offsets), so that the test can
 * tell how far into the data the checkpoint the job restored was.
 */
public final class FailOnceSource<T, S extends SourceSplit, E> implements Source<T, S, E> {
    private final Source<T, S, E> delegate;
    private final SharedReference<Trace> trace;
    private final int afterRecords;

    public FailOnceSource(Source<T, S, E> delegate, SharedReference<Trace> trace, int afterRecords) {
        this.delegate = delegate;
        this.trace = trace;
        this.afterRecords = afterRecords;
    }

    /** Whether the failure happened, and the readers' splits at each checkpoint. */
    public static final class Trace {
        private final AtomicBoolean failed = new AtomicBoolean();
        private final Map<Long, List<SourceSplit>> splitsAtCheckpoint = new ConcurrentHashMap<>();

        public boolean failed() {
            return failed.get();
        }

        /** The splits every reader snapshotted for the checkpoint, with their positions; empty if none did. */
        public List<SourceSplit> splitsAt(long checkpointId) {
            return splitsAtCheckpoint.getOrDefault(checkpointId, List.of());
        }

        void snapshotted(long checkpointId, List<? extends SourceSplit> splits) {
            splitsAtCheckpoint.merge(checkpointId, List.copyOf(splits), (a, b) -> {
                List<SourceSplit> all = new ArrayList<>(a);
                all.addAll(b);
                return List.copyOf(all);
            });
        }
    }

    @Override
    public Boundedness getBoundedness() {
        return delegate.getBoundedness();
    }

    @Override
    public SourceReader<T, S> createReader(SourceReaderContext context) throws Exception {
        return new Reader<>(delegate.createReader(context), trace, afterRecords);
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

    private static final class Reader<T, S extends SourceSplit> implements SourceReader<T, S> {
        private final SourceReader<T, S> delegate;
        private final SharedReference<Trace> trace;
        private final int afterRecords;
        private volatile boolean checkpointCompleted;
        private long emitted;

        Reader(SourceReader<T, S> delegate, SharedReference<Trace> trace, int afterRecords) {
            this.delegate = delegate;
            this.trace = trace;
            this.afterRecords = afterRecords;
        }

        @Override
        public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
            AtomicBoolean failed = trace.get().failed;
            if (!failed.get()) {
                if (checkpointCompleted && emitted >= afterRecords && failed.compareAndSet(false, true)) {
                    throw new IllegalStateException(
                            "injected failure after a completed checkpoint and " + emitted + " records");
                }
                Thread.sleep(1);
            }
            return delegate.pollNext(new CountingReaderOutput(output));
        }

        /** An output that counts what the reader emits through it. */
        private class CountingOutput<O extends SourceOutput<T>> implements SourceOutput<T> {
            final O output;

            CountingOutput(O output) {
                this.output = output;
            }

            @Override
            public void collect(T record) {
                emitted++;
                output.collect(record);
            }

            @Override
            public void collect(T record, long timestamp) {
                emitted++;
                output.collect(record, timestamp);
            }

            @Override
            public void emitWatermark(Watermark watermark) {
                output.emitWatermark(watermark);
            }

            @Override
            public void markIdle() {
                output.markIdle();
            }

            @Override
            public void markActive() {
                output.markActive();
            }
        }

        /** The reader's output, counting what it emits directly or through a split's output. */
        private final class CountingReaderOutput extends CountingOutput<ReaderOutput<T>> implements ReaderOutput<T> {
            CountingReaderOutput(ReaderOutput<T> output) {
                super(output);
            }

            @Override
            public SourceOutput<T> createOutputForSplit(String splitId) {
                return new CountingOutput<>(output.createOutputForSplit(splitId));
            }

            @Override
            public void releaseOutputForSplit(String splitId) {
                output.releaseOutputForSplit(splitId);
            }
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            checkpointCompleted = true;
            delegate.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) throws Exception {
            delegate.notifyCheckpointAborted(checkpointId);
        }

        @Override
        public void start() {
            delegate.start();
        }

        @Override
        public List<S> snapshotState(long checkpointId) {
            List<S> splits = delegate.snapshotState(checkpointId);
            trace.get().snapshotted(checkpointId, splits);
            return splits;
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return delegate.isAvailable();
        }

        @Override
        public void addSplits(List<S> splits) {
            delegate.addSplits(splits);
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
        public void pauseOrResumeSplits(
                java.util.Collection<String> splitsToPause, java.util.Collection<String> splitsToResume) {
            delegate.pauseOrResumeSplits(splitsToPause, splitsToResume);
        }

        @Override
        public void close() throws Exception {
            delegate.close();
        }
    }
}
