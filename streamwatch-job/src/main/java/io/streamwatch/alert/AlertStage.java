package io.streamwatch.alert;

import io.streamwatch.model.AnomalyEvent;
import io.streamwatch.model.DeadLetter;
import io.streamwatch.model.SideOutputs;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The alerting sub-topology:
 *
 * <pre>
 * anomalies ─ suppress-flapping-alerts ─ route-alerts ─ notification-gate ─ deliver-alerts ─┬─ alert-outbox-sink
 *            (keyed by anomaly id,                      (keyed by receiver,   (async I/O,     │
 *             event time)                                processing time)     ordered)        │
 *                                                        └─ pending and suppressed rows ──────┘
 * </pre>
 *
 * The gate and the delivery run in one chain, so all messages of a receiver meet in one delivery
 * subtask, where they are sent in order.
 */
public final class AlertStage {
    private AlertStage() {}

    /**
     * Adds the alerting sub-topology; does nothing when no receiver is configured.
     *
     * @return the alert events routing failed on, for the dead letters (empty when alerting is off)
     */
    public static Optional<DataStream<DeadLetter>> attach(
            DataStream<AnomalyEvent> anomalies, AlertSettings config, AlertEnds ends) {
        if (!config.enabled()) return Optional.empty();
        Map<String, ReceiverSpec> receivers =
                config.receivers().stream().collect(Collectors.toMap(ReceiverSpec::name, Function.identity()));

        SingleOutputStreamOperator<AlertEvent> routed = anomalies
                .keyBy(AnomalyEvent::anomalyId, Types.STRING)
                .process(new FlapFilter(config.minFiringDuration().toMillis()))
                .name("suppress-flapping-alerts")
                .uid("suppress-flapping-alerts")
                .process(new RouteAlerts(config.routing(), config.inhibitRules(), List.copyOf(receivers.keySet())))
                .name(RouteAlerts.STAGE)
                .uid(RouteAlerts.STAGE);
        SingleOutputStreamOperator<Notification> notifications = routed.keyBy(
                        (AlertEvent e) -> e.receiver, Types.STRING)
                .process(new NotificationGate(receivers, config.silences(), config.stormGuard(), config.inhibitRules()))
                .name("notification-gate")
                .uid("notification-gate");

        // ordered: after a recovery Flink re-issues in-flight messages in their original order,
        // which keeps a resolve behind its trigger
        DeliveryPolicy delivery = config.delivery();
        long timeout = delivery.giveUpAfter().plus(delivery.requestTimeout()).toMillis() + 10_000;
        DataStream<AlertDelivery> outcomes = AsyncDataStream.orderedWait(
                        notifications,
                        new DeliverFunction(
                                receivers,
                                config.context(),
                                delivery,
                                ends.outbox().ledger(),
                                ends.transport()),
                        timeout,
                        TimeUnit.MILLISECONDS,
                        delivery.maxInFlight())
                .name("deliver-alerts")
                .uid("deliver-alerts");

        outcomes.union(notifications.getSideOutput(NotificationGate.OUTBOX))
                .sinkTo(ends.outbox().sink())
                .name("alert-outbox-sink")
                .uid("alert-outbox-sink");
        return Optional.of(routed.getSideOutput(SideOutputs.QUARANTINE));
    }
}
