package io.streamwatch.bench;

import io.streamwatch.testkit.EmbeddedPostgresServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One measured run, in a JVM of its own that {@link BenchCommand} starts: so that each engine starts
 * cold, its CPU time is its own, and Kafka Streams has its own RocksDB (Flink's fork of RocksDB
 * uses the same package names). It tells the command on standard output when the clock starts and
 * stops ({@code BENCH started}, {@code BENCH ended}, so that the command can read the broker's and
 * PostgreSQL's CPU at the same moments), then its figures ({@code BENCH result key=value ...}).
 *
 * <p>The end is the moment the database holds everything: the window rows add up to every unique
 * event, every malformed record is a dead letter, and, for the job, the ledger has counted every
 * record read. That is the same for both engines, and does not wait for the job's final checkpoint.
 */
public final class BenchRun {
    static final String LINE_PREFIX = "BENCH ";
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration PATIENCE = Duration.ofMinutes(30);

    private BenchRun() {}

    /** A process's entry point, not a command: it exits with 0 once it printed its result, 1 on a failure. */
    public static void main(String[] args) {
        try {
            RunSpec spec = RunSpec.fromArgs(args);
            Map<String, Object> result = switch (spec.engine()) {
                case RAW -> RawCeiling.run(spec);
                case ROCKSDB, HEAP -> JobRun.run(spec);
                case KAFKA_STREAMS -> KafkaStreamsTwin.run(spec);
            };
            say("result "
                    + result.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining(" ")));
            System.exit(0);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    static void say(String line) {
        System.out.println(LINE_PREFIX + line);
        System.out.flush();
    }

    /** The clock of a run: wall time and this JVM's CPU time from {@link #start} to {@link #stop}. */
    static final class Clock {
        private long startNanos;
        private long startCpu;
        private long elapsedNanos;
        private long cpuNanos;

        void start() {
            say("started");
            startCpu = ProcessCpu.self();
            startNanos = System.nanoTime();
        }

        void stop() {
            elapsedNanos = System.nanoTime() - startNanos;
            cpuNanos = ProcessCpu.self() - startCpu;
            say("ended");
        }

        Map<String, Object> figures() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("elapsedNanos", elapsedNanos);
            m.put("cpuNanos", cpuNanos);
            return m;
        }
    }

    /** Polls the database until it holds everything the run must write; fails after {@link #PATIENCE}. */
    static void awaitEnd(RunSpec spec, boolean withLedger, Runnable health) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        try (Connection c = DriverManager.getConnection(spec.jdbcUrl(), EmbeddedPostgresServer.USER, "");
                Statement s = c.createStatement()) {
            while (!complete(s, spec, withLedger)) {
                health.run();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the database did not hold all rows after " + PATIENCE);
                }
                Thread.sleep(POLL.toMillis());
            }
        }
    }

    private static boolean complete(Statement s, RunSpec spec, boolean withLedger) throws SQLException {
        if (number(
                        s,
                        "SELECT coalesce(sum(count), 0) FROM window_aggregates WHERE series_key NOT LIKE '"
                                + BenchInput.CLOCK_SERIES_PREFIX + "%'")
                < spec.unique()) {
            return false;
        }
        if (number(s, "SELECT count(*) FROM dead_letters") < spec.malformed()) return false;
        return !withLedger || number(s, "SELECT coalesce(sum(records_read), 0) FROM ingest_ledger") >= spec.records();
    }

    static long number(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** In the latency mode: blocks until the command writes a line (or closes standard input). */
    static void awaitStopRequest() throws Exception {
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
}
