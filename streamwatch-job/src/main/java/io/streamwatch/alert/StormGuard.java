package io.streamwatch.alert;

import java.io.Serializable;
import java.time.Duration;

/**
 * At most {@code maxMessages} messages per receiver per {@code interval}; what is held back beyond
 * that is recorded as suppressed and announced in one summary message when the interval ends.
 */
public record StormGuard(int maxMessages, Duration interval) implements Serializable {}
