package io.streamwatch.alert;

import java.io.Serializable;
import java.time.Duration;

/**
 * How hard to try: at most {@code maxAttempts} requests per message, each with its own timeout,
 * separated by exponential backoff with full jitter, and never past {@code giveUpAfter} from when the
 * message was handed to delivery; then the message is a dead letter (status failed).
 *
 * @param maxInFlight messages being delivered or waiting for a retry, per subtask
 */
public record DeliveryPolicy(
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration requestTimeout,
        int maxInFlight,
        Duration giveUpAfter)
        implements Serializable {

    public Backoff backoff() {
        return new Backoff(initialBackoff.toMillis(), maxBackoff.toMillis());
    }
}
