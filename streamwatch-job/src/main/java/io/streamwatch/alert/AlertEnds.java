package io.streamwatch.alert;

import java.io.Serializable;
import java.util.Objects;

/**
 * The alerting stage's ends: the outbox that records every delivery, and the transport that carries
 * messages to the receivers. The receivers themselves (URLs, keys) are configuration.
 */
public record AlertEnds(AlertOutbox outbox, AlertTransport transport) implements Serializable {

    public AlertEnds {
        Objects.requireNonNull(outbox, "outbox");
        Objects.requireNonNull(transport, "transport");
    }

    /** Production: the given outbox, messages over HTTP. */
    public static AlertEnds http(AlertOutbox outbox) {
        return new AlertEnds(outbox, AlertTransport.HTTP);
    }

    /** An outbox that keeps nothing and remembers nothing; messages, if any receiver is configured, over HTTP. */
    public static AlertEnds discarding() {
        return http(AlertOutbox.DISCARDING);
    }
}
