package io.streamwatch.alert;

import io.streamwatch.alert.AlertDelivery.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 *   <li>grouping, as Alertmanager: the first alert of a quiet receiver waits {@code groupWait} for
 *       others; flushes are at least {@code groupInterval} apart; a Slack flush is one message
 *       (split at {@code maxAlertsPerMessage}), a PagerDuty flush one event per alert;</li>
 *   <li>reminders: a still-firing alert is sent again every {@code repeatInterval};</li>
 *   <li>storm guard: beyond {@code maxMessages} per interval, messages are held back (recorded as
 *       suppressed) and one summary says what was held when the interval ends.</li>
 * </ul>
 * A resolve is sent only if this receiver was told the alert fired, and then always (never silenced
 * or held): it ends noise rather than adding to it, and a PagerDuty incident must not stay open.
 *
 * <p>Side output {@link #OUTBOX}: a pending row for each alert event queued, a suppressed row for
 * each one not sent. State per receiver: the queued events, the alerts it was told are firing (until
 * they resolve), the flush times and the storm guard's count for the current interval.
 * Metric per receiver: {@code alertsSuppressed}.
 */
public class NotificationGate extends KeyedProcessFunction<String, AlertEvent, Notification> {

    public static final OutputTag<AlertDelivery> OUTBOX =
            new OutputTag<>("alert-outbox", Types.POJO(AlertDelivery.class));
    static final int SAMPLE_LINES = 10;

    /** An alert this receiver is told is firing: the last event queued for it, and when it was sent (0: queued). */
    public static class Firing {
        public AlertEvent last;
        public long notifiedAt;

        public Firing() {}

        Firing(AlertEvent last, long notifiedAt) {
            this.last = last;
            this.notifiedAt = notifiedAt;
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

    private transient ListState<AlertEvent> queued;
    private transient ValueState<Long> flushAt;
    private transient ValueState<Long> lastFlushAt;
    private transient MapState<String, Firing> firing;
    private transient ValueState<StormWindow> storm;
    private transient Map<String, Counter> suppressed;

    public NotificationGate(Map<String, ReceiverSpec> receivers, List<Silence> silences, StormGuard stormGuard) {
        this.receivers = Map.copyOf(receivers);
        this.silences = List.copyOf(silences);
        this.stormGuard = stormGuard;
    }

    @Override
    public void open(OpenContext openContext) {
        queued = getRuntimeContext().getListState(new ListStateDescriptor<>("queued", Types.POJO(AlertEvent.class)));
        flushAt = getRuntimeContext().getState(new ValueStateDescriptor<>("flush-at", Types.LONG));
        lastFlushAt = getRuntimeContext().getState(new ValueStateDescriptor<>("last-flush-at", Types.LONG));
        firing = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("firing", Types.STRING, Types.POJO(Firing.class)));
        storm = getRuntimeContext().getState(new ValueStateDescriptor<>("storm", Types.POJO(StormWindow.class)));
        suppressed = new HashMap<>();
        for (String receiver : receivers.keySet()) {
            suppressed.put(
                    receiver,
                    getRuntimeContext()
                            .getMetricGroup()
                            .addGroup("receiver", receiver)
                            .counter("alertsSuppressed"));
        }
    }

    @Override
    public void processElement(AlertEvent in, Context ctx, Collector<Notification> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        AlertEvent e = in.copy();
        e.receivedAt = now;
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
            firing.put(anomalyId, new Firing(e, 0));
        } else {
            Firing f = firing.get(anomalyId);
            if (f == null) {
                e.suppressedBy = "resolved, but its firing was not sent to this receiver";
                suppress(e, ctx);
                return;
            }
            // its reminder timer stays: deleting it could delete a flush timer due at the same instant
            firing.remove(anomalyId);
        }
        enqueue(e, now, ctx);
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
        Long due = flushAt.value();
        if (due != null && due <= time) {
            flush(time, ctx, out);
        }
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
                firing.put(anomalyId, new Firing(f.last, now));
                ctx.timerService().registerProcessingTimeTimer(now + repeat);
                continue;
            }
            AlertEvent reminder = f.last.copy();
            reminder.repeat++;
            reminder.receivedAt = now;
            firing.put(anomalyId, new Firing(reminder, 0));
            enqueue(reminder, now, ctx);
        }
    }

    private void enqueue(AlertEvent e, long now, Context ctx) throws Exception {
        queued.add(e);
        ctx.output(OUTBOX, AlertDelivery.of(e, Status.PENDING));
        if (flushAt.value() == null) {
            ReceiverSpec spec = spec(ctx);
            Long last = lastFlushAt.value();
            long at = Math.max(
                    now + spec.groupWait().toMillis(),
                    last == null ? Long.MIN_VALUE : last + spec.groupInterval().toMillis());
            flushAt.update(at);
            ctx.timerService().registerProcessingTimeTimer(at);
        }
    }

    private void flush(long now, Context ctx, Collector<Notification> out) throws Exception {
        ReceiverSpec spec = spec(ctx);
        List<AlertEvent> batch = new ArrayList<>();
        queued.get().forEach(batch::add);
        queued.clear();
        flushAt.clear();
        lastFlushAt.update(now);

        StormWindow window = storm.value();
        if (window == null) {
            window = new StormWindow();
            window.start = now;
            // ends the interval, and sends the summary if anything is held back by then
            ctx.timerService()
                    .registerProcessingTimeTimer(now + stormGuard.interval().toMillis());
        }
        int perMessage = spec.batches() ? spec.maxAlertsPerMessage() : 1;
        for (int from = 0; from < batch.size(); from += perMessage) {
            List<AlertEvent> message = batch.subList(from, Math.min(batch.size(), from + perMessage));
            boolean resolvesOnly = message.stream().noneMatch(AlertEvent::firing);
            if (resolvesOnly || window.messages < stormGuard.maxMessages()) {
                window.messages++;
                out.collect(Notification.of(ctx.getCurrentKey(), message));
                markSent(message, now, spec, ctx);
            } else {
                hold(message, window, ctx);
            }
        }
        storm.update(window);
    }

    private void markSent(List<AlertEvent> message, long now, ReceiverSpec spec, Context ctx) throws Exception {
        long repeat = spec.repeatInterval().toMillis();
        for (AlertEvent e : message) {
            String anomalyId = e.anomaly.anomalyId();
            Firing f = e.firing() ? firing.get(anomalyId) : null;
            if (f != null) {
                firing.put(anomalyId, new Firing(f.last, now));
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
