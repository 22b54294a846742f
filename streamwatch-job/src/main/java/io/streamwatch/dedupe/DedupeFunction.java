package io.streamwatch.dedupe;

import io.streamwatch.model.DeadLetter;
import io.streamwatch.model.Event;
import io.streamwatch.model.LedgerCounts;
import io.streamwatch.model.SideOutputs;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops events whose id was already seen within the dedupe scope (a series, or a source).
 *
 * <p>Retention follows event time, not processing time (Flink's state TTL only knows the latter,
 * and replays of old data need the former). An id expires at its event time plus the retention,
 * rounded up to the cleanup interval, so a scope has at most retention / interval + 1 timers however
 * many ids it holds. Whether a copy is a duplicate is decided against the copy's own partition
 * watermark (it is one if the first copy has not expired by it), so the decision depends on the
 * topic alone; the state is dropped when the operator's watermark, never ahead of any partition's,
 * passes the expiry, so it is always there when the rule needs it.
 *
 * <p>Only point operations touch RocksDB: ids are looked up in a map, and queued for cleanup in a
 * list that RocksDB appends to without reading it. Iterating the map instead would seek past the
 * tombstones of every id deleted before, which made cleanup cost grow with history.
 *
 * <p>A key's events mostly share its cleanup time, and registering a timer that exists already
 * still costs a hash lookup in a large timer set (a tenth of the job's CPU in the profile): a small
 * cache remembers the cleanup timer last registered per key, and a timer it remembers that is still
 * ahead of the watermark is not registered again. The cache is bounded (keys share its slots) and
 * not checkpointed: a miss only costs the registration it saves.
 */
public class DedupeFunction extends KeyedProcessFunction<String, Event, Event> {
    private static final long serialVersionUID = 1L;
    public static final String STAGE = "dedupe-by-event-id";

    private final long retentionMillis;
    private final long cleanupIntervalMillis;

    /** Ids seen and not yet cleaned up, with the time they expire. */
    private transient MapState<String, Long> seen;
    /** The same ids with their cleanup time, in arrival order. */
    private transient ListState<Tuple2<Long, String>> cleanupQueue;

    private transient Counter duplicates;
    private transient Counter quarantined;
    private transient RegisteredTimers registered;

    public DedupeFunction(DedupeSettings settings) {
        this.retentionMillis = settings.retention().toMillis();
        this.cleanupIntervalMillis = Math.max(1, settings.cleanupInterval().toMillis());
    }

    /** The key that scopes uniqueness of event ids. */
    public static KeySelector<Event, String> scopeKey(DedupeSettings.Scope scope) {
        return scope == DedupeSettings.Scope.SOURCE ? e -> e.source == null ? "" : e.source : e -> e.seriesKey;
    }

    @Override
    public void open(OpenContext openContext) {
        seen = getRuntimeContext().getMapState(new MapStateDescriptor<>("event-id-expiry", Types.STRING, Types.LONG));
        cleanupQueue = getRuntimeContext()
                .getListState(
                        new ListStateDescriptor<>("event-id-cleanup-queue", Types.TUPLE(Types.LONG, Types.STRING)));
        registered = new RegisteredTimers();
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicates");
        quarantined = getRuntimeContext().getMetricGroup().counter(SideOutputs.QUARANTINED_METRIC);
    }

    @Override
    public void processElement(Event event, Context ctx, Collector<Event> out) throws Exception {
        try {
            dedupe(event, ctx, out);
        } catch (RuntimeException e) {
            SideOutputs.rethrowIfInfrastructure(e);
            quarantined.inc();
            ctx.output(SideOutputs.QUARANTINE, DeadLetter.failedEvent(STAGE, event, e));
            ctx.output(SideOutputs.LEDGER, LedgerCounts.of(event).quarantinedAfterValidation());
        }
    }

    private void dedupe(Event event, Context ctx, Collector<Event> out) throws Exception {
        Long expiry = seen.get(event.eventId);
        if (expiry != null && event.partitionWatermark < expiry) {
            duplicates.inc();
            ctx.output(SideOutputs.LEDGER, LedgerCounts.of(event).duplicate());
            return;
        }
        long cleanupTime = cleanupTime(event.eventTime);
        seen.put(event.eventId, cleanupTime);
        cleanupQueue.add(Tuple2.of(cleanupTime, event.eventId));
        if (!registered.isPending(
                ctx.getCurrentKey(), cleanupTime, ctx.timerService().currentWatermark())) {
            ctx.timerService().registerEventTimeTimer(cleanupTime);
            registered.remember(ctx.getCurrentKey(), cleanupTime);
        }
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
        List<Tuple2<Long, String>> kept = new ArrayList<>();
        Iterable<Tuple2<Long, String>> queued = cleanupQueue.get();
        if (queued == null) return;
        for (Tuple2<Long, String> entry : queued) {
            if (entry.f0 <= watermark) {
                forgetIfExpired(entry.f1, watermark);
            } else {
                kept.add(entry);
            }
        }
        if (kept.isEmpty()) {
            cleanupQueue.clear();
        } else {
            cleanupQueue.update(kept);
        }
    }

    /** An id seen again after it expired has a later expiry now; its earlier queue entry must not drop it. */
    private void forgetIfExpired(String eventId, long watermark) throws Exception {
        Long expiry = seen.get(eventId);
        if (expiry != null && expiry <= watermark) seen.remove(eventId);
    }

    /**
     * The event-time timer last registered for a key, in a direct-mapped cache: keys whose hashes
     * share a slot replace each other. A timer remembered here is pending while the watermark has
     * not reached it, since timers fire only once the watermark passes them.
     */
    static final class RegisteredTimers {
        /** A key's events come between those of all its subtask's other keys: room for tens of thousands. */
        private static final int SLOTS = 1 << 16;

        private final String[] keys = new String[SLOTS];
        private final long[] times = new long[SLOTS];

        boolean isPending(String key, long time, long watermark) {
            int slot = slot(key);
            return time > watermark && times[slot] == time && key.equals(keys[slot]);
        }

        void remember(String key, long time) {
            int slot = slot(key);
            keys[slot] = key;
            times[slot] = time;
        }

        private static int slot(String key) {
            int h = key.hashCode();
            return (h ^ (h >>> 16)) & (SLOTS - 1);
        }
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
