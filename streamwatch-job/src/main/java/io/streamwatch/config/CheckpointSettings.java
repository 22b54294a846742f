package io.streamwatch.config;

import java.io.Serializable;
import java.time.Duration;

/** Exactly-once checkpoints on RocksDB, and the restart strategy. */
public record CheckpointSettings(
        Duration interval,
        Duration timeout,
        Duration minPause,
        String directory,
        boolean incremental,
        Duration restartInitialBackoff,
        Duration restartMaxBackoff,
        double restartBackoffMultiplier,
        Duration restartResetThreshold)
        implements Serializable {}
