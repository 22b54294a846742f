package io.streamwatch.local;

import io.streamwatch.config.ConfigException;
import io.streamwatch.config.StreamwatchConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** {@code ./streamwatch run}: the job in a local Flink cluster against a Kafka and a PostgreSQL you name. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        customSynopsis = "./streamwatch run [--config FILE] [--some.key value ...] [--web-port PORT] [--data DIR]",
        description =
                "Runs the job in a local Flink cluster with the web UI, against the Kafka and PostgreSQL named in the configuration (conf/streamwatch.yaml documents every key; override any with --some.key value). Ctrl-C cancels the job; its checkpoints and committed Kafka offsets stay for the next run. With source.kafka.stopping-offsets (a replay of a range) it ends by itself.")
final class Run implements Callable<Integer> {
    @Mixin
    WebUiOption webUi;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            defaultValue = "${env:STREAMWATCH_DATA:-local-data}",
            description = "folder for the log file, or set STREAMWATCH_DATA (default: ${DEFAULT-VALUE})")
    Path data;

    /** --config FILE and --some.key value: the job's own arguments, as {@code flink run} would pass them. */
    @Unmatched
    List<String> jobArguments = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Launcher.logTo(DataDir.open(data, false).logFile());
        Console console = Console.system();
        run(console, StopSignal.install(console));
        return 0;
    }

    void run(Console console, StopSignal stop) throws Exception {
        int webPort = webUi.port();
        StreamwatchConfig config = StreamwatchConfig.fromArgs(jobArguments.toArray(String[]::new), System.getenv());
        requireKafka(config);
        try (LocalFlink flink = LocalFlink.start(webPort)) {
            try {
                flink.submit(config);
            } catch (LauncherException | ConfigException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new LauncherException("cannot prepare the database at "
                        + config.jdbc().settings().redactedUrl() + ": " + rootMessage(e));
            }
            console.println("Flink web UI: " + flink.webUi() + "  (job running; Ctrl-C stops it)");
            Status status = new Status(flink.metrics(), null, System.currentTimeMillis());
            boolean finished = false;
            while (!finished && !stop.await(Duration.ofSeconds(1))) {
                JobHealth health = flink.health();
                console.status(status.line(health));
                // a job with stopping offsets ends by itself once it read them
                finished =
                        health.state() == JobStatus.FINISHED && config.source().bounded();
                if (health.state().isGloballyTerminalState() && !finished) {
                    console.endStatus();
                    throw new JobTroubleException("the job ended", health);
                }
            }
            console.endStatus();
            if (!finished) flink.cancel();
            console.println(String.format(
                    (finished ? "Finished: read every partition up to its stopping offsets." : "Stopped.")
                            + " Read %,d records: %,d invalid, %,d duplicates, %,d late beyond lateness; "
                            + "%,d windows written, %,d anomalies opened.",
                    flink.metrics().count("recordsIn"),
                    flink.metrics().count("recordsInvalid"),
                    flink.metrics().count("duplicates"),
                    flink.metrics().count("lateBeyondLateness"),
                    flink.metrics().count("windowsEmitted"),
                    flink.metrics().count("anomaliesOpened")));
            console.println("Job: " + flink.health().details());
        }
    }

    /** Fails with one line if the configured Kafka does not answer, instead of a job that restarts forever. */
    private static void requireKafka(StreamwatchConfig config) {
        Map<String, Object> properties = new HashMap<>(config.source().kafkaProperties());
        properties.put(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.source().bootstrapServers());
        KafkaTraffic.connect(properties).close();
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
