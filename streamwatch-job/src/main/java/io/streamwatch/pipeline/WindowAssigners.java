package io.streamwatch.pipeline;

import io.streamwatch.aggregate.AggregationSettings;
import io.streamwatch.model.Event;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.streaming.api.windowing.assigners.EventTimeSessionWindows;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
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

    /**
     * The windows of the window operator: as {@link #of}, except that an event joins only the
     * windows still open by its own partition's watermark, so that the late decision for each of a
     * sliding event's windows is the data's too (tumbling and session events are decided whole, by
     * {@link LatenessMeter}; sessions merge, and stay as they are).
     */
    static WindowAssigner<Object, TimeWindow> admitting(AggregationSettings settings) {
        WindowAssigner<Object, TimeWindow> windows = of(settings);
        return settings.window() == AggregationSettings.WindowType.SLIDING
                ? new OpenByPartitionWatermark(
                        windows, settings.allowedLateness().toMillis())
                : windows;
    }

    /** Whether a window still takes events at this watermark: it has not closed for good. */
    static boolean isOpen(TimeWindow window, long watermark, long allowedLatenessMillis) {
        return window.maxTimestamp() + allowedLatenessMillis > watermark;
    }

    private static final class OpenByPartitionWatermark extends WindowAssigner<Object, TimeWindow> {
        private static final long serialVersionUID = 1L;
        private final WindowAssigner<Object, TimeWindow> windows;
        private final long allowedLatenessMillis;

        OpenByPartitionWatermark(WindowAssigner<Object, TimeWindow> windows, long allowedLatenessMillis) {
            this.windows = windows;
            this.allowedLatenessMillis = allowedLatenessMillis;
        }

        @Override
        public Collection<TimeWindow> assignWindows(Object element, long timestamp, WindowAssignerContext context) {
            Collection<TimeWindow> all = windows.assignWindows(element, timestamp, context);
            if (!(element instanceof Event event)) return all;
            List<TimeWindow> open = new ArrayList<>(all.size());
            for (TimeWindow w : all) {
                if (isOpen(w, event.partitionWatermark, allowedLatenessMillis)) open.add(w);
            }
            return open;
        }

        @Override
        public Trigger<Object, TimeWindow> getDefaultTrigger() {
            return windows.getDefaultTrigger();
        }

        @Override
        public TypeSerializer<TimeWindow> getWindowSerializer(ExecutionConfig executionConfig) {
            return windows.getWindowSerializer(executionConfig);
        }

        @Override
        public boolean isEventTime() {
            return true;
        }

        @Override
        public String toString() {
            return windows + " open by partition watermark";
        }
    }
}
