package io.streamwatch.sink;

import java.io.Serializable;

/** The PostgreSQL sinks' connection and batching, and whether the job applies the schema migrations at start-up. */
public record JdbcSinkSettings(JdbcSettings settings, boolean migrate) implements Serializable {}
