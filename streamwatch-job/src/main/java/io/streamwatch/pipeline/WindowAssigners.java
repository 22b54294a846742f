package io.streamwatch.pipeline;

import io.streamwatch.aggregate.AggregationSettings;
import org.apache.flink.streaming.api.windowing.assigners.EventTimeSessionWindows;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/** The event-time windows chosen in configuration. */
public final class WindowAssigners {
    private WindowAssigners() {}

    public static WindowAssigner<Object, TimeWindow> of(AggregationSettings settings) {
        return switch (settings.window()) {
            case TUMBLING -> TumblingEventTimeWindows.of(settings.size());
            case SLIDING -> SlidingEventTimeWindows.of(settings.size(), settings.slide());
            case SESSION -> EventTimeSessionWindows.withGap(settings.gap());
        };
    }
}
