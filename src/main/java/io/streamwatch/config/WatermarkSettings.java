package io.streamwatch.config;

import java.io.Serializable;
import java.time.Duration;

/** Event-time watermarks, per Kafka partition. {@code idleness} zero means never idle. */
public record WatermarkSettings(Duration maxOutOfOrderness, Duration idleness) implements Serializable {}
