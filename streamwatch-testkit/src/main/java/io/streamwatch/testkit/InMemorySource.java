package io.streamwatch.testkit;

import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource.NumberSequenceSplit;
import org.apache.flink.api.connector.source.lib.util.IteratorSourceEnumerator;
import org.apache.flink.connector.datagen.functions.FromElementsGeneratorFunction;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;

/**
 * A bounded FLIP-27 source of the given elements, in their order, in one split whatever the
 * parallelism: what {@code env.fromData} gives, but as a {@code Source}, so that tests can hand it
 * to the same {@code define(env, source, ...)} production uses. One split keeps the order that a
 * test's watermarks and duplicates depend on; the other readers get no split and finish at once.
 */
public final class InMemorySource<T> extends DataGeneratorSource<T> {
    private final long count;

    private InMemorySource(TypeInformation<T> type, List<T> elements) {
        super(new FromElementsGeneratorFunction<>(type, new ExecutionConfig(), elements), elements.size(), type);
        this.count = elements.size();
    }

    public static <T> InMemorySource<T> of(TypeInformation<T> type, List<T> elements) {
        return new InMemorySource<>(type, List.copyOf(elements));
    }

    @Override
    public SplitEnumerator<NumberSequenceSplit, Collection<NumberSequenceSplit>> createEnumerator(
            SplitEnumeratorContext<NumberSequenceSplit> context) {
        List<NumberSequenceSplit> splits = count == 0 ? List.of() : List.of(new NumberSequenceSplit("0", 0, count - 1));
        return new IteratorSourceEnumerator<>(context, splits);
    }
}
