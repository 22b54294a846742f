package io.streamwatch.pipeline;

import io.streamwatch.model.DeadLetter;
import io.streamwatch.model.Event;
import io.streamwatch.model.LedgerCounts;
import io.streamwatch.model.SideOutputs;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Decides, before the windows, which events are late, and measures how late they are.
 *
 * <p>The rule looks at the event and its partition alone: an event is late beyond the allowed
 * lateness when every window it belongs to ends, plus the allowed lateness, at or before its
 * {@link Event#partitionWatermark}; it then goes to {@link StreamwatchPipeline#LATE_EVENTS}, never
 * to a window. The window operator's own watermark (the minimum over partitions, which idleness
 * and read speed move) only decides when windows fire. Events behind their partition's watermark
 * but within the lateness pass on and are counted ({@code lateAccepted}); {@code watermarkLagMs}
 * is how far the operator's watermark trails the wall clock.
 */
public class LatenessMeter extends ProcessFunction<Event, Event> {
    private static final long serialVersionUID = 1L;
    static final String STAGE = "measure-lateness";

    private static final WindowAssigner.WindowAssignerContext WALL_CLOCK = new WindowAssigner.WindowAssignerContext() {
        @Override
        public long getCurrentProcessingTime() {
            return System.currentTimeMillis();
        }
    };

    private final WindowAssigner<Object, TimeWindow> windows;
    private final long allowedLatenessMillis;
    private transient Counter lateAccepted;
    private transient Counter quarantined;
    private transient volatile long lastWatermark = Long.MIN_VALUE;

    public LatenessMeter(WindowAssigner<Object, TimeWindow> windows, long allowedLatenessMillis) {
        this.windows = windows;
        this.allowedLatenessMillis = allowedLatenessMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        lateAccepted = getRuntimeContext().getMetricGroup().counter("lateAccepted");
        quarantined = getRuntimeContext().getMetricGroup().counter(SideOutputs.QUARANTINED_METRIC);
        getRuntimeContext().getMetricGroup().gauge("watermarkLagMs", (Gauge<Long>)
                () -> lastWatermark == Long.MIN_VALUE ? -1L : System.currentTimeMillis() - lastWatermark);
    }

    @Override
    public void processElement(Event event, Context ctx, Collector<Event> out) {
        lastWatermark = ctx.timerService().currentWatermark();
        long watermark = event.partitionWatermark;
        boolean accepted;
        try {
            accepted = isAccepted(event, watermark);
        } catch (RuntimeException e) {
            SideOutputs.rethrowIfInfrastructure(e);
            quarantined.inc();
            ctx.output(SideOutputs.QUARANTINE, DeadLetter.failedEvent(STAGE, event, e));
            ctx.output(SideOutputs.LEDGER, LedgerCounts.of(event).quarantinedAfterValidation());
            return;
        }
        if (!accepted) {
            ctx.output(StreamwatchPipeline.LATE_EVENTS, event);
            return;
        }
        if (event.eventTime <= watermark) {
            lateAccepted.inc();
            ctx.output(SideOutputs.LEDGER, LedgerCounts.of(event).lateAccepted());
        }
        out.collect(event);
    }

    /** Flink's rule, against the partition's watermark: kept if any of its windows is not yet closed for good. */
    private boolean isAccepted(Event event, long watermark) {
        for (TimeWindow w : windows.assignWindows(event, event.eventTime, WALL_CLOCK)) {
            if (WindowAssigners.isOpen(w, watermark, allowedLatenessMillis)) return true;
        }
        return false;
    }
}
