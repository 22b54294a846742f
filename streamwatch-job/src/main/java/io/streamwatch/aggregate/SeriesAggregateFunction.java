package io.streamwatch.aggregate;

import io.streamwatch.model.Event;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Folds events into a {@link SeriesAccumulator}; incremental, so a window keeps one accumulator, not its events. */
public class SeriesAggregateFunction implements AggregateFunction<Event, SeriesAccumulator, SeriesAccumulator> {
    private static final long serialVersionUID = 1L;

    private final double relativeAccuracy;

    public SeriesAggregateFunction(double relativeAccuracy) {
        this.relativeAccuracy = relativeAccuracy;
    }

    @Override
    public SeriesAccumulator createAccumulator() {
        return SeriesAccumulator.empty(relativeAccuracy);
    }

    @Override
    public SeriesAccumulator add(Event event, SeriesAccumulator acc) {
        acc.add(event.value, event.eventTime);
        return acc;
    }

    @Override
    public SeriesAccumulator getResult(SeriesAccumulator acc) {
        return acc;
    }

    @Override
    public SeriesAccumulator merge(SeriesAccumulator a, SeriesAccumulator b) {
        a.merge(b);
        return a;
    }
}
