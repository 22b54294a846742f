package io.streamwatch.alert;

import io.streamwatch.model.DeadLetter;
import io.streamwatch.model.SideOutputs;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * One copy of each alert event per receiver its routes name; none when no route and no default
 * applies. An event the routes fail on is quarantined, and the others are routed on.
 *
 * <p>An event that may inhibit others (it matches an inhibit rule's source) also goes, as an
 * {@link AlertEvent#inhibitorOnly} copy, to every receiver its routes do not name: alerts it
 * inhibits may be routed anywhere, and each receiver's gate decides on its own.
 */
public class RouteAlerts extends ProcessFunction<AlertEvent, AlertEvent> {
    private static final long serialVersionUID = 1L;
    static final String STAGE = "route-alerts";

    private final Routing routing;
    private final List<InhibitRule> inhibitRules;
    private final List<String> allReceivers;
    private transient Counter quarantined;

    /** @param allReceivers every receiver's name, for the copies of inhibiting alerts */
    public RouteAlerts(Routing routing, List<InhibitRule> inhibitRules, List<String> allReceivers) {
        this.routing = routing;
        this.inhibitRules = List.copyOf(inhibitRules);
        this.allReceivers = List.copyOf(allReceivers);
    }

    @Override
    public void open(OpenContext openContext) {
        quarantined = getRuntimeContext().getMetricGroup().counter(SideOutputs.QUARANTINED_METRIC);
    }

    @Override
    public void processElement(AlertEvent event, Context ctx, Collector<AlertEvent> out) {
        Set<String> receivers;
        boolean inhibitor;
        try {
            receivers = routing.receivers(event.anomaly);
            inhibitor = inhibitRules.stream().anyMatch(r -> r.source().matches(event.anomaly));
        } catch (RuntimeException e) {
            SideOutputs.rethrowIfInfrastructure(e);
            quarantined.inc();
            ctx.output(
                    SideOutputs.QUARANTINE,
                    DeadLetter.failedResult(
                            STAGE, "alerts", event.id(), event.anomaly, DeadLetter.ErrorCode.PROCESSING_ERROR, e));
            return;
        }
        for (String receiver : receivers) {
            AlertEvent routed = event.copy();
            routed.receiver = receiver;
            out.collect(routed);
        }
        if (!inhibitor) return;
        for (String receiver : allReceivers) {
            if (receivers.contains(receiver)) continue;
            AlertEvent copy = event.copy();
            copy.receiver = receiver;
            copy.inhibitorOnly = true;
            out.collect(copy);
        }
    }
}
