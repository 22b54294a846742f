package io.streamwatch.alert;

import io.streamwatch.alert.AlertDelivery.Status;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends notifications to Slack and PagerDuty with Flink's async I/O: the task thread only starts
 * requests, so a slow or failing receiver never blocks the pipeline. Flink bounds how many
 * notifications are in flight, checkpoints them, and invokes them again after a recovery: that, and
 * asking the {@link DeliveryLedger} what was already sent, gives at-least-once with duplicates only
 * for messages accepted but not yet recorded when the job failed.
 *
 * <p>Messages of one lane ({@link ReceiverSpec#lane}) go one after another, in order, with the
 * receiver's pause between them. Emits the outbox rows of each message: sent, or failed (a dead
 * letter: rejected, or out of attempts or time).
 *
 * <p>Metrics per receiver: counters {@code alertsSent}, {@code alertsFailed}, {@code alertsRetried}
 * (alert events, a Slack message counting each of its alerts) and the histogram
 * {@code deliveryLatencyMs}, from the alert reaching the notification gate to the receiver accepting it.
 */
public class DeliverFunction extends RichAsyncFunction<Notification, AlertDelivery> {
    private static final Logger LOG = LoggerFactory.getLogger(DeliverFunction.class);

    private final Map<String, ReceiverSpec> receivers;
    private final MessageContext context;
    private final DeliveryPolicy policy;
    private final DeliveryLedger ledger;
    private final AlertTransport transport;

    private transient ExecutorService http;
    private transient ExecutorService ledgerThread;
    private transient HttpSender sender;
    private transient Map<String, CompletableFuture<?>> lanes;
    private transient Map<String, Metrics> metrics;

    private record Metrics(Counter sent, Counter failed, Counter retried, Histogram latency) {}

    public DeliverFunction(
            Map<String, ReceiverSpec> receivers,
            MessageContext context,
            DeliveryPolicy policy,
            DeliveryLedger ledger,
            AlertTransport transport) {
        this.receivers = Map.copyOf(receivers);
        this.context = context;
        this.policy = policy;
        this.ledger = ledger;
        this.transport = transport;
    }

    @Override
    public void open(OpenContext openContext) {
        http = Executors.newFixedThreadPool(2, daemon("alert-http"));
        // JDBC blocks: the ledger gets a thread of its own, one lookup at a time over one connection
        ledgerThread = Executors.newSingleThreadExecutor(daemon("alert-ledger"));
        HttpClient client = transport.client(http, policy.requestTimeout());
        sender = new HttpSender(client, policy, http, System::currentTimeMillis);
        lanes = new ConcurrentHashMap<>();
        metrics = new HashMap<>();
        for (String receiver : receivers.keySet()) {
            MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("receiver", receiver);
            metrics.put(
                    receiver,
                    new Metrics(
                            group.counter("alertsSent"),
                            group.counter("alertsFailed"),
                            group.counter("alertsRetried"),
                            group.histogram("deliveryLatencyMs", new DescriptiveStatisticsHistogram(1_000))));
        }
    }

    @Override
    public void asyncInvoke(Notification n, ResultFuture<AlertDelivery> result) {
        ReceiverSpec receiver = receivers.get(n.receiver);
        long deadline = System.currentTimeMillis() + policy.giveUpAfter().toMillis();
        String lane = receiver.lane(n);
        CompletableFuture<?> previous = lanes.getOrDefault(lane, CompletableFuture.completedFuture(null));
        CompletableFuture<List<AlertDelivery>> delivered =
                previous.handle((ignored, error) -> null).thenCompose(ignored -> deliver(n, receiver, deadline));
        delivered.whenComplete((rows, error) -> {
            if (error != null) {
                LOG.error("Delivering {} failed unexpectedly", n, error);
                rows = failed(n, 0, "internal error: " + error);
            }
            result.complete(rows);
        });
        long pause = receiver.sendInterval().toMillis();
        CompletableFuture<?> laneFree = delivered
                .handle((rows, error) -> null)
                .thenCompose(ignored -> CompletableFuture.runAsync(
                        () -> {}, CompletableFuture.delayedExecutor(pause, TimeUnit.MILLISECONDS, http)));
        lanes.put(lane, laneFree);
        laneFree.whenComplete((ignored, error) -> lanes.remove(lane, laneFree));
    }

    /** Flink's own timeout, a little after our deadline: record a dead letter rather than fail the job. */
    @Override
    public void timeout(Notification n, ResultFuture<AlertDelivery> result) {
        result.complete(failed(n, 0, "no outcome within " + policy.giveUpAfter()));
    }

    private CompletableFuture<List<AlertDelivery>> deliver(Notification n, ReceiverSpec receiver, long deadline) {
        return CompletableFuture.supplyAsync(() -> unsent(n), ledgerThread).thenCompose(todo -> {
            if (todo == null) return CompletableFuture.completedFuture(List.<AlertDelivery>of());
            HttpRequest request = receiver.request(todo, context, policy.requestTimeout());
            return sender.send(request, deadline).thenApply(r -> record(todo, r));
        });
    }

    /** The notification without what the outbox records as sent; null if nothing is left to send. */
    private Notification unsent(Notification n) {
        if (n.isStormSummary()) return n;
        List<String> ids = n.alerts.stream().map(AlertEvent::id).toList();
        Set<String> sent;
        try {
            sent = ledger.alreadySent(n.receiver, ids);
        } catch (Exception e) {
            // at least once: when in doubt, send
            LOG.warn("Cannot read the alert outbox; sending {} without checking it: {}", n, e.toString());
            return n;
        }
        if (sent.isEmpty()) return n;
        List<AlertEvent> left =
                n.alerts.stream().filter(e -> !sent.contains(e.id())).toList();
        return left.isEmpty() ? null : Notification.of(n.receiver, n.group, left);
    }

    private List<AlertDelivery> record(Notification n, HttpSender.Result r) {
        long now = System.currentTimeMillis();
        Metrics m = metrics.get(n.receiver);
        int events = Math.max(1, n.alerts.size());
        m.retried().inc((long) (r.attempts() - 1) * events);
        if (!r.sent()) {
            LOG.warn("Dead letter: {} to {} after {} attempt(s): {}", n, n.receiver, r.attempts(), r.reason());
            return failed(n, r.attempts(), r.reason());
        }
        m.sent().inc(events);
        n.alerts.forEach(e -> m.latency().update(now - e.receivedAt));
        return AlertDelivery.of(n, Status.SENT, now).stream()
                .map(d -> d.with(Status.SENT, r.attempts(), null, now))
                .toList();
    }

    private List<AlertDelivery> failed(Notification n, int attempts, String reason) {
        long now = System.currentTimeMillis();
        metrics.get(n.receiver).failed().inc(Math.max(1, n.alerts.size()));
        return AlertDelivery.of(n, Status.FAILED, now).stream()
                .map(d -> d.with(Status.FAILED, attempts, reason, null))
                .toList();
    }

    @Override
    public void close() throws Exception {
        if (http != null) http.shutdownNow();
        if (ledgerThread != null) ledgerThread.shutdownNow();
        ledger.close();
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread t = new Thread(runnable, name);
            t.setDaemon(true);
            return t;
        };
    }
}
