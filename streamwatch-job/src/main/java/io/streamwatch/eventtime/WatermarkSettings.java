package io.streamwatch.eventtime;

import java.io.Serializable;
import java.time.Duration;

/**
 * Event-time watermarks, per Kafka partition. A partition's watermark advances on Flink's periodic
 * timer and, on events, in steps of {@code step} of event time. {@code idleness} zero means never idle.
 */
public record WatermarkSettings(Duration maxOutOfOrderness, Duration step, Duration idleness) implements Serializable {}
