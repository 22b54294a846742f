package io.streamwatch.alert;

import io.streamwatch.model.DeadLetter;
import io.streamwatch.model.SideOutputs;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * One copy of each alert event per receiver its routes name; none when no route and no default
 * applies. An event the routes fail on is quarantined, and the others are routed on.
 */
public class RouteAlerts extends ProcessFunction<AlertEvent, AlertEvent> {
    private static final long serialVersionUID = 1L;
    static final String STAGE = "route-alerts";

    private final Routing routing;
    private transient Counter quarantined;

    public RouteAlerts(Routing routing) {
        this.routing = routing;
    }

    @Override
    public void open(OpenContext openContext) {
        quarantined = getRuntimeContext().getMetricGroup().counter(SideOutputs.QUARANTINED_METRIC);
    }

    @Override
    public void processElement(AlertEvent event, Context ctx, Collector<AlertEvent> out) {
        Iterable<String> receivers;
        try {
            receivers = routing.receivers(event.anomaly);
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
    }
}
