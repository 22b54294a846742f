package io.streamwatch.aggregate;

import io.streamwatch.model.DeadLetter;
import io.streamwatch.model.SideOutputs;
import io.streamwatch.model.WindowAggregate;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Turns a window's accumulator into a {@link WindowAggregate} with a revision: 1 for the first
 * firing, one more for each late firing within the allowed lateness. The final firing of {@link
 * OnTimeAndFinalTrigger}, once the lateness has passed, goes to {@link #COMPLETE_WINDOWS} (for
 * anomaly detection) and, when it repeats the version last written (as many events), not to the main
 * output (the table).
 * It is the only firing that is complete (the trigger leaves out an on-time firing that a
 * watermark jump made complete too), so detection gets each window once, in window order.
 *
 * <p>Session windows merge, and Flink offers no per-window state for merging windows; there the
 * revision is the session's event count, which also grows with every re-emission, and every
 * firing is written: the final one again with the same count, which the upsert leaves as it is.
 */
public class WindowResultFunction
        extends ProcessWindowFunction<SeriesAccumulator, WindowAggregate, String, TimeWindow> {
    private static final long serialVersionUID = 1L;
    public static final String STAGE = "aggregate-windows";
    /** Every window once, with its final content. */
    public static final OutputTag<WindowAggregate> COMPLETE_WINDOWS =
            new OutputTag<>("complete-windows", TypeInformation.of(WindowAggregate.class));

    private static final ValueStateDescriptor<Integer> REVISION =
            new ValueStateDescriptor<>("window-revision", Types.INT);
    /** The event count of the version last written. */
    private static final ValueStateDescriptor<Long> WRITTEN_COUNT =
            new ValueStateDescriptor<>("window-written-count", Types.LONG);

    private final boolean mergingWindows;
    private final long allowedLatenessMillis;
    private transient Counter windowsEmitted;
    private transient Counter lateFirings;
    private transient Counter quarantined;

    public WindowResultFunction(boolean mergingWindows, long allowedLatenessMillis) {
        this.mergingWindows = mergingWindows;
        this.allowedLatenessMillis = allowedLatenessMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        windowsEmitted = getRuntimeContext().getMetricGroup().counter("windowsEmitted");
        lateFirings = getRuntimeContext().getMetricGroup().counter("windowsUpdatedLate");
        quarantined = getRuntimeContext().getMetricGroup().counter(SideOutputs.QUARANTINED_METRIC);
    }

    @Override
    public void process(
            String seriesKey, Context ctx, Iterable<SeriesAccumulator> accumulators, Collector<WindowAggregate> out)
            throws Exception {
        SeriesAccumulator acc = accumulators.iterator().next();
        boolean complete =
                ctx.currentWatermark() >= OnTimeAndFinalTrigger.finalFiringTime(ctx.window(), allowedLatenessMillis);
        int revision;
        boolean repeat;
        if (mergingWindows) {
            revision = (int) Math.min(Integer.MAX_VALUE, acc.count);
            repeat = false; // no state to tell whether the session fired before
        } else {
            ValueState<Integer> state = ctx.windowState().getState(REVISION);
            ValueState<Long> written = ctx.windowState().getState(WRITTEN_COUNT);
            // a window's events are only ever added: as many as last written, and it is that version again
            // (not "any final firing after an earlier one": a late event restored into a window fires it
            // only with the watermark, and a jump past its end and final firing then brings it in the final one)
            repeat = state.value() != null && written.value() != null && written.value() == acc.count;
            revision = state.value() == null ? 1 : repeat ? state.value() : state.value() + 1;
            state.update(revision);
            written.update(acc.count);
            if (revision > 1 && !repeat) lateFirings.inc();
        }
        WindowAggregate aggregate;
        try {
            aggregate = toAggregate(seriesKey, ctx.window(), acc, revision);
        } catch (RuntimeException e) {
            SideOutputs.rethrowIfInfrastructure(e);
            quarantined.inc();
            String key = seriesKey
                    + '/'
                    + ctx.window().getStart()
                    + '/'
                    + ctx.window().getEnd()
                    + '/'
                    + revision;
            Map<String, Object> summary = Map.of(
                    "seriesKey",
                    seriesKey,
                    "windowStart",
                    ctx.window().getStart(),
                    "windowEnd",
                    ctx.window().getEnd(),
                    "count",
                    acc.count,
                    "revision",
                    revision);
            ctx.output(
                    SideOutputs.QUARANTINE,
                    DeadLetter.failedResult(
                            STAGE, "window_aggregates", key, summary, DeadLetter.ErrorCode.PROCESSING_ERROR, e));
            return;
        }
        if (!repeat) {
            windowsEmitted.inc();
            out.collect(aggregate);
        }
        if (complete) ctx.output(COMPLETE_WINDOWS, aggregate);
    }

    @Override
    public void clear(Context ctx) {
        if (!mergingWindows) {
            ctx.windowState().getState(REVISION).clear();
            ctx.windowState().getState(WRITTEN_COUNT).clear();
        }
    }

    /** The row of a window; public for the benchmark's Kafka Streams twin, which computes the same statistics. */
    public static WindowAggregate toAggregate(
            String seriesKey, TimeWindow window, SeriesAccumulator acc, int revision) {
        WindowAggregate a = new WindowAggregate();
        a.seriesKey = seriesKey;
        a.windowStart = window.getStart();
        a.windowEnd = window.getEnd();
        a.count = acc.count;
        a.sum = acc.sum;
        a.min = acc.min;
        a.max = acc.max;
        a.mean = acc.mean;
        a.stddev = acc.stddev();
        a.firstEventTime = acc.firstEventTime;
        a.lastEventTime = acc.lastEventTime;
        a.p50 = acc.quantile(0.50);
        a.p95 = acc.quantile(0.95);
        a.p99 = acc.quantile(0.99);
        a.revision = revision;
        return a;
    }
}
