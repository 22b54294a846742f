package io.streamwatch.bench;

import io.streamwatch.sink.JdbcSettings;
import io.streamwatch.sink.SchemaManager;
import io.streamwatch.testkit.EmbeddedKafka;
import io.streamwatch.testkit.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./streamwatch bench}: the job's throughput end to end, through the embedded Kafka broker and
 * PostgreSQL, beside the raw ceiling and a Kafka Streams twin, all on one pre-loaded topic; or its
 * latency at a steady rate; or how its throughput grows with records and series. See
 * docs/benchmarks.md for what each figure means and the results.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Measures the job end to end (Kafka, every stage, the PostgreSQL sinks) on the embedded broker and PostgreSQL.",
            "throughput (default): pre-loads a topic, then reads it from the start to the end with: the raw ceiling"
                    + " (a KafkaConsumer and the job's parser, one thread), the job on RocksDB, the job on heap state, and a"
                    + " Kafka Streams twin; prints events/s, CPU per million events, checkpoints and rows, and a closing line.",
            "latency: the job at a steady rate; p50/p99 from a window's end to its row in PostgreSQL.",
            "scale: the job's throughput for --scale-records at 10,000 series and --scale-series at 2,000,000 records."
        })
public final class BenchCommand implements Callable<Integer> {

    enum Mode {
        throughput,
        latency,
        scale
    }

    @Option(
            names = "--mode",
            paramLabel = "MODE",
            defaultValue = "throughput",
            description = "throughput, latency or scale (default: ${DEFAULT-VALUE})")
    Mode mode;

    @Option(
            names = "--records",
            paramLabel = "N",
            defaultValue = "2000000",
            description = "records in the topic (default: ${DEFAULT-VALUE})")
    long records;

    @Option(
            names = "--series",
            paramLabel = "N",
            defaultValue = "10000",
            description = "series; each reports once a second of event time (default: ${DEFAULT-VALUE})")
    int series;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            defaultValue = "2",
            description = "partitions of the topic (default: ${DEFAULT-VALUE}; the job runs at parallelism 2)")
    int partitions;

    @Option(
            names = "--runs",
            paramLabel = "RUN",
            split = ",",
            description = "throughput mode: what to measure, of raw, rocksdb, heap, kafka-streams (default: all)")
    List<String> runs = new ArrayList<>(List.of("raw", "rocksdb", "heap", "kafka-streams"));

    @Option(
            names = "--rate",
            paramLabel = "EVENTS_PER_S",
            defaultValue = "20000",
            description = "latency mode: the steady rate (default: ${DEFAULT-VALUE})")
    long rate;

    @Option(
            names = "--duration",
            paramLabel = "DURATION",
            defaultValue = "3min",
            description = "latency mode: how long to produce (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(
            names = "--scale-records",
            paramLabel = "N",
            split = ",",
            description = "scale mode: topic sizes at 10,000 series (default: 500000,1000000,2000000,5000000)")
    List<Long> scaleRecords = new ArrayList<>(List.of(500_000L, 1_000_000L, 2_000_000L, 5_000_000L));

    @Option(
            names = "--scale-series",
            paramLabel = "N",
            split = ",",
            description = "scale mode: series counts at 2,000,000 records (default: 1000,10000,100000)")
    List<Integer> scaleSeries = new ArrayList<>(List.of(1_000, 10_000, 100_000));

    @Option(
            names = "--plot",
            paramLabel = "FILE",
            description = "scale mode: also draw the throughput against records and against series into this PNG")
    Path plot;

    @Option(
            names = "--flink",
            paramLabel = "KEY=VALUE",
            description = "a Flink setting for the job's runs, as the cluster's config.yaml would give it (the job's"
                    + " defaults yield to it, as on a cluster), e.g. state.backend.rocksdb.timer-service.factory=ROCKSDB;"
                    + " repeatable")
    Map<String, String> flinkSettings = new LinkedHashMap<>();

    @Option(
            names = "--work",
            paramLabel = "DIR",
            description = "folder for the broker, PostgreSQL, checkpoints and each run's log (default: a new temporary"
                    + " folder, deleted at the end unless --keep)")
    Path work;

    @Option(names = "--keep", description = "keep the work folder")
    boolean keep;

    @Option(
            names = "--jfr",
            description = "record a JFR profile of each run (settings=profile) into the work folder; implies --keep")
    boolean jfr;

    @Spec
    CommandSpec spec;

    static final int SCALE_SERIES_OF_RECORDS = 10_000;
    static final long SCALE_RECORDS_OF_SERIES = 2_000_000;

    private void validate() {
        require(records >= 1_000, "--records must be at least 1000, was " + records);
        require(series >= 1, "--series must be at least 1, was " + series);
        require(partitions >= 1, "--partitions must be at least 1, was " + partitions);
        require(rate >= 1, "--rate must be at least 1, was " + rate);
        require(
                !duration.isNegative() && duration.compareTo(Duration.ofMinutes(2)) >= 0,
                "--duration must be at least 2min (the first window is a warm-up), was " + duration);
        require(!runs.isEmpty(), "--runs names nothing");
        for (String r : runs) {
            try {
                RunSpec.Engine.of(r.strip());
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--runs: " + e.getMessage());
            }
        }
        require(scaleRecords.stream().allMatch(n -> n >= 1_000), "--scale-records must each be at least 1000");
        require(scaleSeries.stream().allMatch(n -> n >= 1), "--scale-series must each be at least 1");
    }

    private void require(boolean ok, String message) {
        if (!ok) throw new ParameterException(spec.commandLine(), message);
    }

    @Override
    public Integer call() throws Exception {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        Path dir = work != null ? Files.createDirectories(work) : Files.createTempDirectory("streamwatch-bench");
        out.printf(
                "bench: work folder %s; %d cores, Java %s, load average %.2f%n",
                dir,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
        boolean done = false;
        if (jfr) keep = true;
        try (Servers servers = Servers.start(dir, jfr, flinkSettings, out)) {
            switch (mode) {
                case throughput -> throughput(servers, out);
                case latency -> latency(servers, out);
                case scale -> scale(servers, out);
            }
            done = true;
        } finally {
            if (!keep && done) deleteRecursively(dir);
            else out.println("bench: kept " + dir);
        }
        return 0;
    }

    // ---- throughput --------------------------------------------------------------------------------

    private void throughput(Servers servers, PrintWriter out) throws Exception {
        Loaded topic = servers.preload("bench", records, series, partitions, out);
        Map<RunSpec.Engine, Measured> results = new LinkedHashMap<>();
        for (String r : runs) {
            RunSpec.Engine engine = RunSpec.Engine.of(r.strip());
            results.put(engine, servers.measure(engine, topic, out));
        }
        out.println();
        out.print(Report.table(results, topic));
        out.println();
        out.println(Report.closingLine(results));
    }

    // ---- latency ------------------------------------------------------------------------------------

    private void latency(Servers servers, PrintWriter out) throws Exception {
        BenchTopic topic = BenchTopic.create(servers.kafka.bootstrapServers(), "bench-latency", partitions);
        String url = servers.database("bench_latency");
        RunSpec spec = new RunSpec(
                RunSpec.Engine.ROCKSDB,
                servers.kafka.bootstrapServers(),
                topic.name,
                partitions,
                0,
                0,
                0,
                url,
                servers.dir.resolve("latency").toString(),
                true,
                flinkSettings);
        out.printf(
                "bench: starting the job (RocksDB), then producing %,d events/s over %,d series for %d s%n",
                rate, series, duration.toSeconds());
        try (RunJvm.Handle job = RunJvm.start(spec, servers.meters(), servers.profile)) {
            job.awaitRunning();
            long start = System.currentTimeMillis();
            BenchInput input = new BenchInput(series, rate, start);
            long stop = start + duration.toMillis();
            long sent = topic.produceLive(input, () -> System.currentTimeMillis() >= stop);
            // the first whole window after the start, to the last window that ended before the stop
            long firstStart = Math.floorDiv(start, 60_000L) * 60_000L + 60_000L;
            long lastEnd = Math.floorDiv(stop, 60_000L) * 60_000L;
            out.printf(
                    "bench: sent %,d events; waiting for the rows of the windows ending by %s%n",
                    sent, java.time.Instant.ofEpochMilli(lastEnd));
            Latencies l = Latencies.await(url, firstStart, lastEnd, series, Duration.ofMinutes(2));
            job.requestStop();
            job.outcome();
            out.println();
            out.printf(
                    "latency at %,d events/s (%,d series, RocksDB, exactly-once): p50 %.2f s, p99 %.2f s, max %.2f s"
                            + " over %,d window rows of %d windows%n",
                    rate, series, l.p50() / 1000.0, l.p99() / 1000.0, l.max() / 1000.0, l.rows(), l.windows());
            out.println("  (from a window's end in event time, which is the producer's wall clock, to its row's"
                    + " updated_at in PostgreSQL; includes the 5 s out-of-orderness the watermark waits for)");
        }
    }

    // ---- scale -------------------------------------------------------------------------------------

    private void scale(Servers servers, PrintWriter out) throws Exception {
        List<Report.ScalePoint> points = new ArrayList<>();
        List<long[]> plan = new ArrayList<>();
        for (long n : scaleRecords) plan.add(new long[] {n, SCALE_SERIES_OF_RECORDS});
        for (int s : scaleSeries) {
            if (plan.stream().noneMatch(p -> p[0] == SCALE_RECORDS_OF_SERIES && p[1] == s)) {
                plan.add(new long[] {SCALE_RECORDS_OF_SERIES, s});
            }
        }
        int k = 0;
        for (long[] p : plan) {
            Loaded topic = servers.preload("bench-scale-" + k++, p[0], (int) p[1], partitions, out);
            Measured raw = servers.measure(RunSpec.Engine.RAW, topic, out);
            Measured job = servers.measure(RunSpec.Engine.ROCKSDB, topic, out);
            points.add(new Report.ScalePoint(p[0], (int) p[1], raw, job));
            topic.topic().delete();
        }
        out.println();
        out.print(Report.scaleTable(points));
        if (plot != null) {
            ScalePlot.write(points, SCALE_SERIES_OF_RECORDS, SCALE_RECORDS_OF_SERIES, plot);
            out.println("bench: plot written to " + plot);
        }
    }

    // ---- the servers and one measured run ------------------------------------------------------------

    /** A pre-loaded topic and what it holds. */
    record Loaded(BenchTopic topic, int series, BenchInput.Counts counts) {
        long recordsInTopic() {
            return counts.records() + topic.partitions;
        }
    }

    /** One measured run: the run's figures, and the rows it left in its database. */
    record Measured(RunSpec.Engine engine, long records, RunJvm.Outcome outcome, Map<String, Long> rows) {
        double seconds() {
            return outcome.get("elapsedNanos") / 1e9;
        }

        double eventsPerSecond() {
            return records / seconds();
        }

        /** CPU seconds per million records, of the engine, the broker and PostgreSQL; -1 where unknown. */
        double cpuPerMillion(long nanos) {
            return nanos < 0 ? -1 : nanos / 1e9 / (records / 1e6);
        }

        long totalCpuNanos() {
            return outcome.get("cpuNanos") + outcome.brokerCpuNanos() + Math.max(0, outcome.databaseCpuNanos());
        }

        long rowsWritten() {
            return rows.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** The embedded broker (in this JVM) and PostgreSQL (its own processes), for every run. */
    static final class Servers implements AutoCloseable {
        final Path dir;
        final EmbeddedPostgresServer postgres;
        final EmbeddedKafka kafka;
        private final boolean profile;
        private final Map<String, String> flinkSettings;
        private final long postmaster;

        private Servers(
                Path dir,
                boolean profile,
                Map<String, String> flinkSettings,
                EmbeddedPostgresServer postgres,
                EmbeddedKafka kafka) {
            this.dir = dir;
            this.profile = profile;
            this.flinkSettings = flinkSettings;
            this.postgres = postgres;
            this.kafka = kafka;
            this.postmaster = ProcessCpu.postmaster(dir.resolve("postgres"));
        }

        static Servers start(Path dir, boolean profile, Map<String, String> flinkSettings, PrintWriter out)
                throws Exception {
            out.println("bench: starting PostgreSQL and Kafka");
            EmbeddedPostgresServer postgres = EmbeddedPostgresServer.startIn(dir.resolve("postgres"));
            try {
                return new Servers(
                        dir, profile, flinkSettings, postgres, EmbeddedKafka.start(dir.resolve("kafka"), false));
            } catch (Exception e) {
                postgres.close();
                throw e;
            }
        }

        RunJvm.Meters meters() {
            return new RunJvm.Meters(ProcessCpu::self, () -> postmaster < 0 ? -1 : ProcessCpu.tree(postmaster));
        }

        /** A new database with the job's schema. */
        String database(String name) throws SQLException {
            String url = postgres.createDatabase(name);
            SchemaManager.migrate(JdbcSettings.of(url, EmbeddedPostgresServer.USER, ""));
            return url;
        }

        Loaded preload(String name, long records, int series, int partitions, PrintWriter out) throws Exception {
            BenchInput input = BenchInput.endingBeforeNow(records, series);
            BenchTopic topic = BenchTopic.create(kafka.bootstrapServers(), name, partitions);
            out.printf(
                    "bench: pre-loading %,d records of %,d series into %d partitions ...", records, series, partitions);
            long t = System.nanoTime();
            topic.preload(input, records);
            BenchInput.Counts counts = input.counts(records);
            out.printf(
                    " %.1f s (%,d unique, %,d repeated ids, %,d malformed)%n",
                    (System.nanoTime() - t) / 1e9, counts.unique(), counts.duplicates(), counts.malformed());
            return new Loaded(topic, series, counts);
        }

        Measured measure(RunSpec.Engine engine, Loaded loaded, PrintWriter out) throws Exception {
            String url = engine == RunSpec.Engine.RAW ? postgres.url("postgres") : database(dbName(engine, loaded));
            RunSpec spec = new RunSpec(
                    engine,
                    kafka.bootstrapServers(),
                    loaded.topic().name,
                    loaded.topic().partitions,
                    loaded.recordsInTopic(),
                    loaded.counts().unique(),
                    loaded.counts().malformed(),
                    url,
                    dir.resolve(loaded.topic().name).resolve(engine.label).toString(),
                    false,
                    flinkSettings);
            out.printf("bench: %-13s ...", engine.label);
            RunJvm.Outcome outcome;
            try (RunJvm.Handle run = RunJvm.start(spec, meters(), profile)) {
                outcome = run.outcome();
            }
            Map<String, Long> rows = engine == RunSpec.Engine.RAW ? Map.of() : rows(url);
            Measured m = new Measured(engine, loaded.recordsInTopic(), outcome, rows);
            out.printf(" %,.0f events/s (%.1f s)%n", m.eventsPerSecond(), m.seconds());
            return m;
        }

        private static String dbName(RunSpec.Engine engine, Loaded loaded) {
            return (loaded.topic().name + "_" + engine.label).replaceAll("[^a-z0-9]", "_");
        }

        private static Map<String, Long> rows(String url) throws SQLException {
            Map<String, Long> rows = new LinkedHashMap<>();
            try (Connection c = DriverManager.getConnection(url, EmbeddedPostgresServer.USER, "");
                    Statement s = c.createStatement()) {
                for (String table :
                        List.of("window_aggregates", "anomalies", "dead_letters", "late_events", "ingest_ledger")) {
                    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                        rs.next();
                        rows.put(table, rs.getLong(1));
                    }
                }
            }
            return rows;
        }

        @Override
        public void close() throws Exception {
            try {
                kafka.close();
            } finally {
                postgres.close();
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
