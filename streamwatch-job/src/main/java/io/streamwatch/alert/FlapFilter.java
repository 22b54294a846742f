package io.streamwatch.alert;

import io.streamwatch.model.AnomalyEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Flap suppression, keyed by anomaly id, in event time: an opened anomaly is held until the
 * watermark shows it has stayed open for the minimum firing duration past its opening window. If it
 * resolves before that, both events go on marked as suppressed (recorded, never sent). Event time,
 * like the detector's hysteresis, so a replay decides exactly as the live run did.
 *
 * <p>State: the held OPENED event and its timer, only until release or resolution.
 */
public class FlapFilter extends KeyedProcessFunction<String, AnomalyEvent, AlertEvent> {
    private final long minFiringMillis;

    private transient ValueState<AnomalyEvent> held;

    /** @param minFiringMillis 0 lets every event through at once */
    public FlapFilter(long minFiringMillis) {
        this.minFiringMillis = minFiringMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        held = getRuntimeContext().getState(new ValueStateDescriptor<>("held-opened", Types.POJO(AnomalyEvent.class)));
    }

    @Override
    public void processElement(AnomalyEvent a, Context ctx, Collector<AlertEvent> out) throws Exception {
        if (minFiringMillis == 0) {
            out.collect(AlertEvent.of(a));
        } else if (a.kind == AnomalyEvent.Kind.OPENED) {
            held.update(a);
            ctx.timerService().registerEventTimeTimer(releaseTime(a));
        } else {
            AnomalyEvent opened = held.value();
            if (opened == null) {
                out.collect(AlertEvent.of(a));
                return;
            }
            ctx.timerService().deleteEventTimeTimer(releaseTime(opened));
            held.clear();
            String reason = "flap: resolved within the minimum firing duration of " + minFiringMillis + " ms";
            out.collect(suppressed(opened, reason));
            out.collect(suppressed(a, reason));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlertEvent> out) throws Exception {
        AnomalyEvent opened = held.value();
        if (opened != null) {
            out.collect(AlertEvent.of(opened));
            held.clear();
        }
    }

    private long releaseTime(AnomalyEvent opened) {
        return opened.windowEnd - 1 + minFiringMillis;
    }

    private static AlertEvent suppressed(AnomalyEvent a, String reason) {
        AlertEvent e = AlertEvent.of(a);
        e.suppressedBy = reason;
        return e;
    }
}
