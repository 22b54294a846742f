package io.streamwatch.aggregate;

import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.triggers.TriggerResult;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * Fires a window when the watermark passes its end (on time), again for each event that arrives
 * after that within the allowed lateness (as Flink's event-time trigger does), and once more when
 * the allowed lateness has passed: the final firing, whose content no event can change any more.
 * Anomaly detection reads the final firings only, so what it learns does not depend on whether a
 * late event arrived before or after the on-time firing.
 *
 * <p>When one watermark passes both a window's end and its final firing time (a jump: a partition
 * marked idle, the end of input), the on-time firing is left out and the final one is the window's
 * only firing. Otherwise the on-time firing of a later window, complete as well, could come before
 * the final firing of an earlier one (timers fire in time order), and detection, which reads each
 * series' windows in order, would skip the earlier window.
 */
public final class OnTimeAndFinalTrigger extends Trigger<Object, TimeWindow> {
    private static final long serialVersionUID = 1L;
    private final long allowedLatenessMillis;

    public OnTimeAndFinalTrigger(long allowedLatenessMillis) {
        this.allowedLatenessMillis = allowedLatenessMillis;
    }

    static long finalFiringTime(TimeWindow window, long allowedLatenessMillis) {
        return window.maxTimestamp() + allowedLatenessMillis;
    }

    @Override
    public TriggerResult onElement(Object element, long timestamp, TimeWindow window, TriggerContext ctx) {
        registerTimers(window, ctx);
        return window.maxTimestamp() <= ctx.getCurrentWatermark() ? TriggerResult.FIRE : TriggerResult.CONTINUE;
    }

    @Override
    public TriggerResult onEventTime(long time, TimeWindow window, TriggerContext ctx) {
        long finalFiring = finalFiringTime(window, allowedLatenessMillis);
        if (time == finalFiring) return TriggerResult.FIRE;
        // on time, unless this watermark has passed the final firing too: that one follows, in window order
        return time == window.maxTimestamp() && finalFiring > ctx.getCurrentWatermark()
                ? TriggerResult.FIRE
                : TriggerResult.CONTINUE;
    }

    @Override
    public TriggerResult onProcessingTime(long time, TimeWindow window, TriggerContext ctx) {
        return TriggerResult.CONTINUE;
    }

    @Override
    public boolean canMerge() {
        return true;
    }

    @Override
    public void onMerge(TimeWindow window, OnMergeContext ctx) {
        registerTimers(window, ctx);
    }

    @Override
    public void clear(TimeWindow window, TriggerContext ctx) {
        ctx.deleteEventTimeTimer(window.maxTimestamp());
        ctx.deleteEventTimeTimer(finalFiringTime(window, allowedLatenessMillis));
    }

    private void registerTimers(TimeWindow window, TriggerContext ctx) {
        if (window.maxTimestamp() > ctx.getCurrentWatermark()) ctx.registerEventTimeTimer(window.maxTimestamp());
        ctx.registerEventTimeTimer(finalFiringTime(window, allowedLatenessMillis));
    }

    @Override
    public String toString() {
        return "OnTimeAndFinalTrigger(" + allowedLatenessMillis + " ms)";
    }
}
