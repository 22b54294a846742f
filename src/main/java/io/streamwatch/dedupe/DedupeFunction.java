package io.streamwatch.dedupe;

import io.streamwatch.config.DedupeSettings;
import io.streamwatch.model.Event;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.Iterator;
import java.util.Map;

/**
 * Drops events whose id was already seen within the dedupe scope (a series, or a source).
 *
 * <p>Retention follows event time, not processing time (Flink's state TTL only knows the latter,
 * and replays of old data need the former): an id is forgotten once the watermark passes its event
 * time plus the retention. Cleanup timers are rounded up to the cleanup interval, so a scope has at
 * most retention / interval + 1 timers however many ids it holds.
 */
public class DedupeFunction extends KeyedProcessFunction<String, Event, Event> {
    private static final long serialVersionUID = 1L;

    private final long retentionMillis;
    private final long cleanupIntervalMillis;

    private transient MapState<String, Long> seen;
    private transient Counter duplicates;

    public DedupeFunction(DedupeSettings settings) {
        this.retentionMillis = settings.retention().toMillis();
        this.cleanupIntervalMillis = Math.max(1, settings.cleanupInterval().toMillis());
    }

    /** The key that scopes uniqueness of event ids. */
    public static KeySelector<Event, String> scopeKey(DedupeSettings.Scope scope) {
        return scope == DedupeSettings.Scope.SOURCE
                ? e -> e.source == null ? "" : e.source
                : e -> e.seriesKey;
    }

    @Override
    public void open(OpenContext openContext) {
        seen = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("seen-event-ids", Types.STRING, Types.LONG));
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicates");
    }

    @Override
    public void processElement(Event event, Context ctx, Collector<Event> out) throws Exception {
        if (seen.contains(event.eventId)) {
            duplicates.inc();
            return;
        }
        seen.put(event.eventId, event.eventTime);
        ctx.timerService().registerEventTimeTimer(cleanupTime(event.eventTime));
        out.collect(event);
    }

    private long cleanupTime(long eventTime) {
        long expiry = saturatedAdd(eventTime, retentionMillis);
        long rounded = Math.floorDiv(expiry, cleanupIntervalMillis) * cleanupIntervalMillis;
        return rounded == expiry ? expiry : saturatedAdd(rounded, cleanupIntervalMillis);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Event> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        for (Iterator<Map.Entry<String, Long>> it = seen.iterator(); it.hasNext(); ) {
            if (saturatedAdd(it.next().getValue(), retentionMillis) <= watermark) {
                it.remove();
            }
        }
        if (seen.isEmpty()) {
            seen.clear(); // drop the (empty) map itself, not only its entries
        }
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
