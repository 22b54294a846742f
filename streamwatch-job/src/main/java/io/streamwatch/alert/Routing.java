package io.streamwatch.alert;

import io.streamwatch.model.AnomalyEvent;
import java.io.Serializable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The routing tree: routes in order, then the default receivers for anomalies no route matched. */
public record Routing(List<Route> routes, List<String> defaultReceivers) implements Serializable {
    public Routing {
        routes = List.copyOf(routes);
        defaultReceivers = List.copyOf(defaultReceivers);
    }

    /** The receivers of an anomaly, each once, in the order routes name them. */
    public Set<String> receivers(AnomalyEvent anomaly) {
        Set<String> out = new LinkedHashSet<>();
        boolean matched = false;
        for (Route route : routes) {
            if (route.match().matches(anomaly)) {
                matched = true;
                out.addAll(route.receivers());
                if (!route.continueMatching()) break;
            }
        }
        if (!matched) out.addAll(defaultReceivers);
        return out;
    }
}
