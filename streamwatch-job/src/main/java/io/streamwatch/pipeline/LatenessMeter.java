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
 * Passes events through and measures, before the windows, how late they are: events behind the
 * watermark whose window is still open within the allowed lateness ({@code lateAccepted}), and how
 * far the watermark trails the wall clock ({@code watermarkLagMs}). Events beyond the lateness are
 * counted where they are routed to the late-events table.
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
        long watermark = ctx.timerService().currentWatermark();
        lastWatermark = watermark;
        boolean late;
        try {
            late = event.eventTime <= watermark && isAccepted(event, watermark);
        } catch (RuntimeException e) {
            SideOutputs.rethrowIfInfrastructure(e);
            quarantined.inc();
            ctx.output(SideOutputs.QUARANTINE, DeadLetter.failedEvent(STAGE, event, e));
            ctx.output(SideOutputs.LEDGER, LedgerCounts.of(event).quarantinedAfterValidation());
            return;
        }
        if (late) {
            lateAccepted.inc();
            ctx.output(SideOutputs.LEDGER, LedgerCounts.of(event).lateAccepted());
        }
        out.collect(event);
    }

    /** The rule of Flink's window operator: an element is kept if any of its windows is not yet closed for good. */
    private boolean isAccepted(Event event, long watermark) {
        for (TimeWindow w : windows.assignWindows(event, event.eventTime, WALL_CLOCK)) {
            if (w.maxTimestamp() + allowedLatenessMillis > watermark) return true;
        }
        return false;
    }
}
