package io.streamwatch.dedupe;

import java.io.Serializable;
import java.time.Duration;

/**
 * Exact dedupe by event id. An id is remembered until the watermark passes its event time plus
 * {@code retention}; cleanup timers are rounded up to {@code cleanupInterval} so one timer serves
 * many ids.
 */
public record DedupeSettings(Scope scope, Duration retention, Duration cleanupInterval) implements Serializable {

    /** Within which group an event id must be unique. */
    public enum Scope {
        SERIES,
        SOURCE
    }
}
