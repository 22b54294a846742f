package io.streamwatch.alert;

import io.streamwatch.alert.AlertDelivery.Status;
import io.streamwatch.model.AnomalyEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decides, per receiver (the key), what is sent and when, in processing time (people read alerts on
 * the wall clock):
 * <ul>
 *   <li>silences: a firing alert a silence matches is recorded as suppressed, not sent;</li>
 *   <li>grouping, as Alertmanager: alerts with the same values of the receiver's {@code groupBy}
 *       labels form a group (without labels, the receiver is one group); the first alert of a quiet
 *       group waits {@code groupWait} for others; a group's flushes are at least {@code groupInterval}
 *       apart; a Slack flush is one message per group (split at {@code maxAlertsPerMessage}), a
 *       PagerDuty flush one event per alert;</li>
 *   <li>inhibition, as Alertmanager's inhibit rules: when a group flushes, a firing alert (or its
 *       reminder) that an alert still firing inhibits is held, recorded as inhibited; once its last
 *       inhibitor resolves, it is queued again and sent with its group's next flush if it still fires;
 *       if it resolves first, neither its firing nor its resolve is sent;</li>
 *   <li>reminders: a still-firing alert is sent again every {@code repeatInterval};</li>
 *   <li>storm guard: beyond {@code maxMessages} per interval, messages are held back (recorded as
 *       suppressed) and one summary says what was held when the interval ends.</li>
 * </ul>
 * A resolve is sent only if this receiver was told the alert fired, and then always (never silenced,
 * inhibited or held): it ends noise rather than adding to it, and a PagerDuty incident must not stay
 * open.
 *
 * <p>Side output {@link #OUTBOX}: a pending row for each alert event queued, a suppressed or inhibited
 * row for each one not sent. State per receiver: the queued events, the alerts it was told are
 * firing or holds inhibited (until they resolve), the firing alerts that may inhibit others (until
 * they resolve), each group's next and last flush (the last only until a flush no longer depends on
 * it), and the storm guard's count for the current interval. Metrics per receiver:
 * {@code alertsSuppressed}, {@code alertsInhibited}.
 */
public class NotificationGate extends KeyedProcessFunction<String, AlertEvent, Notification> {

    public static final OutputTag<AlertDelivery> OUTBOX =
            new OutputTag<>("alert-outbox", Types.POJO(AlertDelivery.class));
    static final int SAMPLE_LINES = 10;

    /**
     * A firing alert of this receiver: the last event queued for it, and when it was sent (0: queued,
     * or held while inhibited).
     */
    public static class Firing {
        public AlertEvent last;
        public long notifiedAt;
        /** Held at its last flush because an alert that inhibits it fires; queued again when none does. */
        public boolean inhibited;
        /** The receiver was sent its firing: its resolve is owed, whatever holds its reminders. */
        public boolean told;

        public Firing() {}

        Firing(AlertEvent last, long notifiedAt, boolean told) {
            this.last = last;
            this.notifiedAt = notifiedAt;
            this.told = told;
        }
    }

    /** The storm guard's current interval. */
    public static class StormWindow {
        public long start;
        public int messages;
        public int held;
        public String sample = "";
    }

    private final Map<String, ReceiverSpec> receivers;
    private final List<Silence> silences;
    private final StormGuard stormGuard;
    private final List<InhibitRule> inhibitRules;

    private transient ListState<AlertEvent> queued;
    private transient MapState<String, Long> flushAt;
    private transient MapState<String, Long> lastFlushAt;
    private transient MapState<String, Firing> firing;
    private transient MapState<String, AnomalyEvent> inhibitors;
    private transient ValueState<StormWindow> storm;
    private transient Map<String, Counter> suppressed;
    private transient Map<String, Counter> inhibited;

    public NotificationGate(
            Map<String, ReceiverSpec> receivers,
            List<Silence> silences,
            StormGuard stormGuard,
            List<InhibitRule> inhibitRules) {
        this.receivers = Map.copyOf(receivers);
        this.silences = List.copyOf(silences);
        this.stormGuard = stormGuard;
        this.inhibitRules = List.copyOf(inhibitRules);
    }

    @Override
    public void open(OpenContext openContext) {
        queued = getRuntimeContext().getListState(new ListStateDescriptor<>("queued", Types.POJO(AlertEvent.class)));
        flushAt = getRuntimeContext().getMapState(new MapStateDescriptor<>("group-flush-at", Types.STRING, Types.LONG));
        lastFlushAt = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("group-last-flush-at", Types.STRING, Types.LONG));
        firing = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("firing", Types.STRING, Types.POJO(Firing.class)));
        inhibitors = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("inhibitors", Types.STRING, Types.POJO(AnomalyEvent.class)));
        storm = getRuntimeContext().getState(new ValueStateDescriptor<>("storm", Types.POJO(StormWindow.class)));
        suppressed = new HashMap<>();
        inhibited = new HashMap<>();
        for (String receiver : receivers.keySet()) {
            var group = getRuntimeContext().getMetricGroup().addGroup("receiver", receiver);
            suppressed.put(receiver, group.counter("alertsSuppressed"));
            inhibited.put(receiver, group.counter("alertsInhibited"));
        }
    }

    @Override
    public void processElement(AlertEvent in, Context ctx, Collector<Notification> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        AlertEvent e = in.copy();
        e.receivedAt = now;
        trackInhibitor(e, now, ctx);
        if (e.inhibitorOnly) return;
        if (e.suppressedBy != null) {
            suppress(e, ctx);
            return;
        }
        String anomalyId = e.anomaly.anomalyId();
        if (e.firing()) {
            String silence = silencedBy(e, now);
            if (silence != null) {
                e.suppressedBy = "silence " + silence;
                suppress(e, ctx);
                return;
            }
            firing.put(anomalyId, new Firing(e, 0, false));
        } else {
            Firing f = firing.get(anomalyId);
            // a firing still queued is sent with its resolve; one held by inhibition never was
            if (f == null || (f.inhibited && !f.told)) {
                e.suppressedBy = f == null
                        ? "resolved, but its firing was not sent to this receiver"
                        : "resolved while inhibited; its firing was not sent to this receiver";
                firing.remove(anomalyId);
                suppress(e, ctx);
                return;
            }
            // its reminder timer stays: deleting it could delete a flush timer due at the same instant
            firing.remove(anomalyId);
        }
        enqueue(e, now, ctx);
    }

    /**
     * Keeps the firing alerts that may inhibit others; when one resolves, alerts it held are queued
     * again unless another inhibitor still holds them. Flapped events (suppressed upstream) never
     * inhibit: they were never notified anywhere.
     */
    private void trackInhibitor(AlertEvent e, long now, Context ctx) throws Exception {
        if (inhibitRules.stream().noneMatch(r -> r.source().matches(e.anomaly))) return;
        String anomalyId = e.anomaly.anomalyId();
        if (e.firing()) {
            if (e.suppressedBy == null) inhibitors.put(anomalyId, e.anomaly);
            return;
        }
        if (!inhibitors.contains(anomalyId)) return;
        inhibitors.remove(anomalyId);
        List<Firing> released = new ArrayList<>();
        for (Firing f : firing.values()) {
            if (f.inhibited && inhibitedBy(f.last.anomaly) == null) released.add(f);
        }
        for (Firing f : released) {
            AlertEvent again = f.last.copy();
            again.receivedAt = now;
            firing.put(again.anomaly.anomalyId(), new Firing(again, 0, f.told));
            enqueue(again, now, ctx);
        }
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Notification> out) throws Exception {
        queueReminders(time, ctx);
        StormWindow window = storm.value();
        if (window != null && window.start + stormGuard.interval().toMillis() <= time) {
            if (window.held > 0) {
                Notification summary =
                        Notification.stormSummary(ctx.getCurrentKey(), window.start, window.held, window.sample);
                out.collect(summary);
                AlertDelivery.of(summary, Status.PENDING, time).forEach(row -> ctx.output(OUTBOX, row));
            }
            storm.clear();
        }
        flush(time, ctx, out);
    }

    private void queueReminders(long now, Context ctx) throws Exception {
        long repeat = spec(ctx).repeatInterval().toMillis();
        if (repeat == 0) return;
        List<Firing> due = new ArrayList<>();
        for (Firing f : firing.values()) {
            if (f.notifiedAt > 0 && f.notifiedAt + repeat <= now) due.add(f);
        }
        for (Firing f : due) {
            String anomalyId = f.last.anomaly.anomalyId();
            if (silencedBy(f.last, now) != null) {
                // no reminder while silenced; look again one interval later
                firing.put(anomalyId, new Firing(f.last, now, f.told));
                ctx.timerService().registerProcessingTimeTimer(now + repeat);
                continue;
            }
            AlertEvent reminder = f.last.copy();
            reminder.repeat++;
            reminder.receivedAt = now;
            firing.put(anomalyId, new Firing(reminder, 0, f.told));
            enqueue(reminder, now, ctx);
        }
    }

    private void enqueue(AlertEvent e, long now, Context ctx) throws Exception {
        queued.add(e);
        ctx.output(OUTBOX, AlertDelivery.of(e, Status.PENDING));
        ReceiverSpec spec = spec(ctx);
        String group = spec.group(e);
        if (!flushAt.contains(group)) {
            Long last = lastFlushAt.get(group);
            long at = Math.max(
                    now + spec.groupWait().toMillis(),
                    last == null ? Long.MIN_VALUE : last + spec.groupInterval().toMillis());
            flushAt.put(group, at);
            ctx.timerService().registerProcessingTimeTimer(at);
        }
    }

    /** Sends the groups that are due; the others stay queued. */
    private void flush(long now, Context ctx, Collector<Notification> out) throws Exception {
        ReceiverSpec spec = spec(ctx);
        Map<String, List<AlertEvent>> due = new LinkedHashMap<>();
        List<AlertEvent> waiting = new ArrayList<>();
        for (AlertEvent e : queued.get()) {
            String group = spec.group(e);
            Long at = flushAt.get(group);
            // a group without a flush time (state from before groups) is due at once
            if (at == null || at <= now) {
                due.computeIfAbsent(group, g -> new ArrayList<>()).add(e);
            } else {
                waiting.add(e);
            }
        }
        if (due.isEmpty()) return;
        queued.update(waiting);
        for (String group : due.keySet()) {
            flushAt.remove(group);
            lastFlushAt.put(group, now);
        }
        forgetOldFlushes(now, spec);

        StormWindow window = storm.value();
        if (window == null) {
            window = new StormWindow();
            window.start = now;
            // ends the interval, and sends the summary if anything is held back by then
            ctx.timerService()
                    .registerProcessingTimeTimer(now + stormGuard.interval().toMillis());
        }
        int perMessage = spec.batches() ? spec.maxAlertsPerMessage() : 1;
        for (Map.Entry<String, List<AlertEvent>> group : due.entrySet()) {
            List<AlertEvent> batch = withoutInhibited(group.getValue(), ctx);
            for (int from = 0; from < batch.size(); from += perMessage) {
                List<AlertEvent> message = batch.subList(from, Math.min(batch.size(), from + perMessage));
                boolean resolvesOnly = message.stream().noneMatch(AlertEvent::firing);
                if (resolvesOnly || window.messages < stormGuard.maxMessages()) {
                    window.messages++;
                    out.collect(Notification.of(ctx.getCurrentKey(), group.getKey(), message));
                    markSent(message, now, spec, ctx);
                } else {
                    hold(message, window, ctx);
                }
            }
        }
        storm.update(window);
    }

    /**
     * The batch less the firing alerts (and reminders) an alert still firing inhibits; those are
     * recorded as inhibited and kept, to be queued again when their inhibitors resolve. A resolve
     * whose first firing is held in the same batch is held with it: the receiver never heard of
     * either. (A held reminder's resolve is sent: the receiver was told the alert fired.)
     */
    private List<AlertEvent> withoutInhibited(List<AlertEvent> batch, Context ctx) throws Exception {
        if (inhibitRules.isEmpty()) return batch;
        List<AlertEvent> kept = new ArrayList<>();
        Set<String> held = new HashSet<>();
        for (AlertEvent e : batch) {
            String anomalyId = e.anomaly.anomalyId();
            if (!e.firing()) {
                if (held.contains(anomalyId)) {
                    AlertEvent resolve = e.copy();
                    resolve.suppressedBy = "resolved while inhibited; its firing was not sent to this receiver";
                    suppress(resolve, ctx);
                } else {
                    kept.add(e);
                }
                continue;
            }
            String by = inhibitedBy(e.anomaly);
            if (by == null) {
                kept.add(e);
                continue;
            }
            AlertEvent inhibitedEvent = e.copy();
            inhibitedEvent.suppressedBy = by;
            ctx.output(OUTBOX, AlertDelivery.of(inhibitedEvent, Status.INHIBITED));
            inhibited.get(e.receiver).inc();
            if (e.repeat == 0) held.add(anomalyId);
            Firing f = firing.get(anomalyId);
            if (f != null) {
                f.inhibited = true;
                firing.put(anomalyId, f);
            }
        }
        return kept;
    }

    /** {@code inhibited by <anomaly id> (inhibit rule n)} for the first inhibitor that holds the alert; null if none. */
    private String inhibitedBy(AnomalyEvent alert) throws Exception {
        for (Map.Entry<String, AnomalyEvent> inhibitor : inhibitors.entries()) {
            for (int i = 0; i < inhibitRules.size(); i++) {
                if (inhibitRules.get(i).inhibits(inhibitor.getValue(), alert)) {
                    return "inhibited by " + inhibitor.getKey() + " (inhibit rule " + i + ")";
                }
            }
        }
        return null;
    }

    /** A group's last flush counts only until its group interval has passed; then it is forgotten. */
    private void forgetOldFlushes(long now, ReceiverSpec spec) throws Exception {
        List<String> old = new ArrayList<>();
        for (Map.Entry<String, Long> last : lastFlushAt.entries()) {
            if (last.getValue() + spec.groupInterval().toMillis() <= now && !flushAt.contains(last.getKey())) {
                old.add(last.getKey());
            }
        }
        for (String group : old) lastFlushAt.remove(group);
    }

    private void markSent(List<AlertEvent> message, long now, ReceiverSpec spec, Context ctx) throws Exception {
        long repeat = spec.repeatInterval().toMillis();
        for (AlertEvent e : message) {
            String anomalyId = e.anomaly.anomalyId();
            Firing f = e.firing() ? firing.get(anomalyId) : null;
            if (f != null) {
                firing.put(anomalyId, new Firing(f.last, now, true));
                if (repeat > 0) ctx.timerService().registerProcessingTimeTimer(now + repeat);
            }
        }
    }

    private void hold(List<AlertEvent> message, StormWindow window, Context ctx) throws Exception {
        for (AlertEvent e : message) {
            AlertEvent held = e.copy();
            held.suppressedBy =
                    "storm guard: more than " + stormGuard.maxMessages() + " messages in " + stormGuard.interval();
            suppress(held, ctx);
            if (e.firing()) firing.remove(e.anomaly.anomalyId()); // so its resolve is not sent either
            if (window.held++ < SAMPLE_LINES) {
                window.sample += (window.sample.isEmpty() ? "" : "\n") + AlertText.state(e) + " " + e.anomaly.severity
                        + " " + AlertText.title(e.anomaly);
            }
        }
    }

    private void suppress(AlertEvent e, Context ctx) {
        ctx.output(OUTBOX, AlertDelivery.of(e, Status.SUPPRESSED));
        suppressed.get(e.receiver).inc();
    }

    private String silencedBy(AlertEvent e, long now) {
        return silences.stream()
                .filter(s -> s.mutes(e.anomaly, now))
                .map(Silence::name)
                .findFirst()
                .orElse(null);
    }

    private ReceiverSpec spec(Context ctx) {
        return receivers.get(ctx.getCurrentKey());
    }
}
