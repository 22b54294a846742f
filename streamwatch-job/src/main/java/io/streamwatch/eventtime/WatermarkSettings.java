package io.streamwatch.eventtime;

import java.io.Serializable;
import java.time.Duration;

/**
 * Event-time watermarks, per Kafka partition. A partition's watermark advances on Flink's periodic
 * timer and, on events, in steps of {@code step} of event time. {@code idleness} zero means never idle.
 * An event more than {@code maxJump} ahead of its partition moves the watermark only as the last of
 * {@code jumpConfirmations} such events in a row ({@code maxJump} zero: no guard).
 */
public record WatermarkSettings(
        Duration maxOutOfOrderness, Duration step, Duration idleness, Duration maxJump, int jumpConfirmations)
        implements Serializable {
    public static final Duration DEFAULT_MAX_JUMP = Duration.ofHours(1);
    public static final int DEFAULT_JUMP_CONFIRMATIONS = 3;
}
