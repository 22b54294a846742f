package io.streamwatch.testkit;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.testutils.junit.SharedReference;

/**
 * Wraps a real source (Kafka's, in the recovery tests) and fails its reader exactly once: after a
 * checkpoint has completed and the reader has been polled {@code afterRecords} more times (a
 * split reader emits at most one record per poll), so that
 * the failure finds data in flight that the checkpoint does not cover. Until that checkpoint the
 * reader is slowed down, so that it does not reach the end of a bounded input first.
 *
 * <p>Whether it already failed is shared with the test through a {@link SharedReference}
 * ({@code SharedObjectsExtension}), so no static flag leaks between tests.
 */
public final class FailOnceSource<T, S extends SourceSplit, E> implements Source<T, S, E> {
    private final Source<T, S, E> delegate;
    private final SharedReference<AtomicBoolean> failed;
    private final int afterRecords;

    public FailOnceSource(Source<T, S, E> delegate, SharedReference<AtomicBoolean> failed, int afterRecords) {
        this.delegate = delegate;
        this.failed = failed;
        this.afterRecords = afterRecords;
    }

    @Override
    public Boundedness getBoundedness() {
        return delegate.getBoundedness();
    }

    @Override
    public SourceReader<T, S> createReader(SourceReaderContext context) throws Exception {
        return new Reader<>(delegate.createReader(context), failed, afterRecords);
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
        private final SharedReference<AtomicBoolean> failed;
        private final int afterRecords;
        private volatile boolean checkpointCompleted;
        private int polledSinceCheckpoint;

        Reader(SourceReader<T, S> delegate, SharedReference<AtomicBoolean> failed, int afterRecords) {
            this.delegate = delegate;
            this.failed = failed;
            this.afterRecords = afterRecords;
        }

        @Override
        public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
            if (!failed.get().get()) {
                if (!checkpointCompleted) {
                    Thread.sleep(1);
                } else if (++polledSinceCheckpoint > afterRecords
                        && failed.get().compareAndSet(false, true)) {
                    throw new IllegalStateException(
                            "injected failure after a completed checkpoint and " + afterRecords + " more records");
                }
            }
            return delegate.pollNext(output);
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
            return delegate.snapshotState(checkpointId);
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
