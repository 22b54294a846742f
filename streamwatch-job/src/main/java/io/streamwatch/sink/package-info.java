/**
 * The job's PostgreSQL output: replay-safe statements and their binders, the sinks built from
 * them, and schema migration and preflight. Wiring in the job's main:
 *
 * <pre>{@code
 * JdbcSettings jdbc = JdbcSettings.of(url, user, System.getenv("STREAMWATCH_DB_PASSWORD"));
 * if (migrate) {
 *     SchemaManager.migrate(jdbc);
 * }
 * SchemaManager.verify(jdbc); // fails the submission with a readable list of what is missing
 * aggregates.sinkTo(StreamwatchSinks.windowAggregates(jdbc))
 *         .name("window aggregates to PostgreSQL").uid("sink-window-aggregates");
 * }</pre>
 */
package io.streamwatch.sink;
