package io.streamwatch.alert;

import java.io.Serializable;
import java.util.List;

/**
 * Sends matching anomalies to receivers. Routes are tried in order; the first match wins unless it
 * says {@code continueMatching}, as in Alertmanager.
 */
public record Route(AlertMatcher match, List<String> receivers, boolean continueMatching) implements Serializable {
    public Route {
        receivers = List.copyOf(receivers);
    }
}
