package io.streamwatch.local;

import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.testkit.EmbeddedKafka;
import io.streamwatch.testkit.EmbeddedPostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./streamwatch demo}: a real Kafka broker, a real PostgreSQL and the job in a local Flink
 * cluster, fed by the generator; a live status line; at the end a summary whose counts reconcile.
 *
 * <p>The end is ordered so that the counts are final before they are read: the generator stops and
 * Kafka acknowledges all it sent; the job reads up to the topic's end offsets; then it stops with a
 * savepoint that first advances event time to the end ({@code --drain}), so every window fires and
 * every sink flushes; only then are the metrics and tables counted.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Starts a Kafka broker and a PostgreSQL on free ports (data in --data), runs the job in a local Flink cluster with the web UI, feeds it synthetic events with injected anomalies, and at the end prints a summary: counts that reconcile, and injected against detected anomalies.")
final class Demo implements Callable<Integer> {
    @Option(
            names = "--data",
            paramLabel = "DIR",
            defaultValue = "${env:STREAMWATCH_DATA:-local-data}",
            description =
                    "folder for PostgreSQL, Kafka, checkpoints, logs and each run's results, or set STREAMWATCH_DATA (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(
            names = "--fresh",
            description = "delete what earlier runs left in --data first (else PostgreSQL's data is kept)")
    boolean fresh;

    @Mixin
    WebUiOption webUi;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "the job's settings, keys as in conf/streamwatch.yaml (default: conf/local.yaml of this checkout)")
    Path settingsFile;

    @Mixin
    TrafficOptions traffic;

    static final String PASSWORD_ENV = "STREAMWATCH_LOCAL_DB_PASSWORD";
    private static final Duration READ_ALL_TIMEOUT = Duration.ofMinutes(2);

    @Override
    public Integer call() throws Exception {
        Launcher.logTo(DataDir.open(data, false).logFile());
        Console console = Console.system();
        Summary summary = run(console, StopSignal.install(console));
        console.println("");
        console.println(summary.render());
        return summary.reconciles() ? 0 : 1;
    }

    Summary run(Console console, StopSignal stop) throws Exception {
        DataDir data = DataDir.open(this.data, fresh);
        String runId = DataDir.newRunId();
        Path runDir = data.run(runId);
        int webPort = webUi.port();
        Map<String, Object> jobSettings = StreamwatchConfig.readYaml(
                settingsFile != null ? settingsFile : Launcher.home().resolve("conf/local.yaml"));
        // settings and flags are checked before anything starts: a mistake costs one line, not a minute
        StreamwatchConfig checked =
                config(jobSettings, "localhost:9092", "events", "jdbc:postgresql://localhost/demo", data);
        Generator.Settings settings = traffic.settings(
                checked.aggregation().size(), checked.aggregation().allowedLateness());
        List<Generator.Recorded> recorded = traffic.recorded();

        console.println("Starting PostgreSQL and Kafka (data in " + data.root() + ") ...");
        // Kafka's log starts empty on every run: each run produces its own traffic, and the results
        // of earlier runs live on in PostgreSQL, whose folder later runs reuse
        DataDir.deleteRecursively(data.kafka());
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.startIn(data.postgres());
                EmbeddedKafka kafka = EmbeddedKafka.start(data.kafka(), false);
                LocalFlink flink = LocalFlink.start(webPort)) {
            String jdbcUrl = postgres.createDatabase(runId);
            String topic = "events-" + runId;
            StreamwatchConfig config = config(jobSettings, kafka.bootstrapServers(), topic, jdbcUrl, data);
            try (KafkaTraffic out = KafkaTraffic.open(kafka.bootstrapServers(), topic, settings.partitions())) {
                flink.submit(config);
                // the clock starts now: started earlier, its first tick would carry the start-up's worth of events at
                // once
                TrafficLoop.EventClock clock = TrafficLoop.EventClock.startingBehind(traffic.backfill(), traffic.speed);
                Generator generator = traffic.generator(settings, recorded, clock);
                console.println("Flink web UI: " + flink.webUi() + "  (job running; Kafka " + kafka.bootstrapServers()
                        + ", PostgreSQL " + jdbcUrl + ")");
                AnomalyFeed alerts = new AnomalyFeed(jdbcUrl, EmbeddedPostgresServer.USER, console);
                Status status = new Status(flink.metrics(), generator, clock.wallStart());
                TrafficLoop.run(generator, out, clock, traffic.duration, stop, () -> {
                    JobHealth health = flink.health();
                    console.status(status.line(health));
                    if (health.state().isGloballyTerminalState()) {
                        console.endStatus();
                        throw new JobTroubleException("the job ended before the demo", health);
                    }
                    alerts.poll();
                });
                console.endStatus();
                out.flush();
                long produced = out.endOffsets();
                console.println("Generator stopped; waiting for the job to read all " + produced
                        + " records, then draining it ...");
                awaitRead(flink, produced);
                flink.drain(data.savepoints());
                alerts.poll();
                Summary summary = summarize(
                        runId,
                        Duration.ofMillis(System.currentTimeMillis() - clock.wallStart()),
                        generator,
                        produced,
                        flink.health(),
                        jdbcUrl,
                        config.detection().settings().lifecycle().resolveAfter(),
                        new Summary.Where(
                                flink.webUi().toString(),
                                kafka.bootstrapServers(),
                                topic,
                                jdbcUrl,
                                EmbeddedPostgresServer.USER,
                                runDir.toString(),
                                data.logFile().toString()));
                Files.writeString(runDir.resolve("truth.csv"), generator.truthCsv());
                Files.writeString(runDir.resolve("summary.txt"), summary.render());
                return summary;
            }
        }
    }

    /** The job settings file, with the local broker, topic, database and folders filled in. */
    static StreamwatchConfig config(
            Map<String, Object> settings, String bootstrapServers, String topic, String jdbcUrl, DataDir data) {
        Map<String, String> local = localSettings(bootstrapServers, topic, jdbcUrl);
        local.put("checkpointing.dir", data.checkpoints().toUri().toString());
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.put(PASSWORD_ENV, "");
        return StreamwatchConfig.load(withReceiversFromEnvironment(settings, environment), local, environment);
    }

    /**
     * The job settings that point it at an embedded broker and database: the topic read from its
     * start, and {@link #PASSWORD_ENV} (set empty) for the password the embedded PostgreSQL does not ask for.
     */
    static Map<String, String> localSettings(String bootstrapServers, String topic, String jdbcUrl) {
        Map<String, String> local = new LinkedHashMap<>();
        local.put("source.kafka.bootstrap-servers", bootstrapServers);
        local.put("source.kafka.topics", topic);
        local.put("source.kafka.group-id", topic);
        local.put("source.kafka.starting-offsets", "earliest");
        local.put("sink.jdbc.url", jdbcUrl);
        local.put("sink.jdbc.user", EmbeddedPostgresServer.USER);
        local.put("sink.jdbc.password-env", PASSWORD_ENV);
        return local;
    }

    static final String SLACK_ENV = "STREAMWATCH_SLACK_WEBHOOK_URL";
    static final String PAGERDUTY_ENV = "STREAMWATCH_PAGERDUTY_ROUTING_KEY";

    /**
     * Real Slack and PagerDuty receivers for the demo's alerts when their variables are set, with the
     * default routes (warning to Slack, critical to PagerDuty and Slack); the terminal shows every
     * anomaly either way. A settings file with its own alerting section decides for itself.
     */
    static Map<String, Object> withReceiversFromEnvironment(
            Map<String, Object> settings, Map<String, String> environment) {
        if (settings.containsKey("alerting")) return settings;
        List<Map<String, Object>> receivers = new ArrayList<>();
        if (environment.containsKey(SLACK_ENV)) {
            receivers.add(Map.of("name", "slack", "type", "slack", "webhook-url-env", SLACK_ENV));
        }
        if (environment.containsKey(PAGERDUTY_ENV)) {
            receivers.add(Map.of("name", "pagerduty", "type", "pagerduty", "routing-key-env", PAGERDUTY_ENV));
        }
        if (receivers.isEmpty()) return settings;
        Map<String, Object> withAlerting = new LinkedHashMap<>(settings);
        withAlerting.put("alerting", Map.of("receivers", receivers));
        return withAlerting;
    }

    /** Waits until the job has read every record in the topic: only then can a drain close the count. */
    private static void awaitRead(LocalFlink flink, long produced) throws InterruptedException {
        long deadline = System.nanoTime() + READ_ALL_TIMEOUT.toNanos();
        while (flink.metrics().count("recordsIn") < produced) {
            JobHealth health = flink.health();
            if (health.state().isGloballyTerminalState()) {
                throw new JobTroubleException("the job ended before it read all records", health);
            }
            if (System.nanoTime() > deadline) {
                throw new JobTroubleException(
                        "the job read " + flink.metrics().count("recordsIn") + " of " + produced + " records in "
                                + READ_ALL_TIMEOUT.toMinutes() + " min",
                        health);
            }
            Thread.sleep(200);
        }
    }

    private static Summary summarize(
            String runId,
            Duration ran,
            Generator generator,
            long produced,
            JobHealth job,
            String jdbcUrl,
            int resolveAfter,
            Summary.Where where)
            throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, EmbeddedPostgresServer.USER, "");
                Statement s = c.createStatement()) {
            long[] windows = longs(s, "SELECT coalesce(sum(count), 0), count(*) FROM window_aggregates");
            // the ledger and the tables hold each record once, restarts or not; metrics would count replays again
            long[] ledger = longs(
                    s,
                    "SELECT coalesce(sum(records_read), 0), coalesce(sum(valid), 0),"
                            + " coalesce(sum(invalid + quarantined), 0), coalesce(sum(duplicates), 0),"
                            + " coalesce(sum(late_dropped), 0) FROM ingest_ledger");
            long anomaliesOpen = longs(s, "SELECT count(*) FROM anomalies WHERE status = 'OPEN'")[0];
            List<Scoring.Detection> detections = new ArrayList<>();
            try (ResultSet r = s.executeQuery(
                    "SELECT series_key, detector, opened_window_start, resolved_window_start FROM anomalies")) {
                while (r.next()) {
                    Timestamp resolved = r.getTimestamp(4);
                    detections.add(new Scoring.Detection(
                            r.getString(1),
                            r.getString(2),
                            r.getTimestamp(3).getTime(),
                            resolved == null ? null : resolved.getTime()));
                }
            }
            return new Summary(
                    runId,
                    ran,
                    generator.totals(),
                    produced,
                    ledger[0],
                    ledger[1],
                    longs(s, "SELECT count(*) FROM dead_letters WHERE partition >= 0")[0],
                    ledger[2],
                    ledger[3],
                    ledger[1] - ledger[3],
                    windows[0],
                    longs(s, "SELECT count(*) FROM late_events")[0],
                    ledger[4],
                    windows[1],
                    detections.size(),
                    anomaliesOpen,
                    Scoring.score(
                            generator.injections(),
                            detections,
                            generator.clock(),
                            generator.windowMillis(),
                            resolveAfter),
                    where,
                    job);
        }
    }

    private static long[] longs(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            long[] out = new long[r.getMetaData().getColumnCount()];
            for (int i = 0; i < out.length; i++) out[i] = r.getLong(i + 1);
            return out;
        }
    }
}
