package io.streamwatch.alert;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** One copy of each alert event per receiver its routes name; none when no route and no default applies. */
public class RouteAlerts implements FlatMapFunction<AlertEvent, AlertEvent> {
    private final Routing routing;

    public RouteAlerts(Routing routing) {
        this.routing = routing;
    }

    @Override
    public void flatMap(AlertEvent event, Collector<AlertEvent> out) {
        for (String receiver : routing.receivers(event.anomaly)) {
            AlertEvent routed = event.copy();
            routed.receiver = receiver;
            out.collect(routed);
        }
    }
}
