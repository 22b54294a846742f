package io.streamwatch.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A Flink sink that keeps every element it receives, so a MiniCluster test can read what a stream
 * produced. Flink serializes the sink to its writers, so the elements live in a static registry
 * under this instance's id rather than in the instance; each test's sink sees only its own elements.
 * Elements arrive from all subtasks interleaved: assert on contents, not order, unless parallelism 1.
 */
public final class CollectingSink<T> implements Sink<T> {

    private static final Map<String, List<Object>> COLLECTED = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();

    public CollectingSink() {
        COLLECTED.put(id, Collections.synchronizedList(new ArrayList<>()));
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        List<Object> target = COLLECTED.get(id);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context context) {
                target.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }

    /** A snapshot of the elements received so far. */
    @SuppressWarnings("unchecked")
    public List<T> values() {
        List<Object> values = COLLECTED.get(id);
        synchronized (values) {
            return (List<T>) List.copyOf(values);
        }
    }

    public void clear() {
        COLLECTED.get(id).clear();
    }
}
