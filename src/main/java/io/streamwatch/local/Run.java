package io.streamwatch.local;

import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.local.Options.Flag;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** {@code ./streamwatch run}: the job in a local Flink cluster against a Kafka and a PostgreSQL you name. */
final class Run {
    static final Options OPTIONS = new Options("run", "[--config FILE] [--some.key value ...] [flags]",
            "Runs the job in a local Flink cluster with the web UI, against the Kafka and PostgreSQL named in the\n"
                    + "configuration (conf/streamwatch.yaml documents every key; override any with --some.key value).\n"
                    + "Ctrl-C cancels the job; its checkpoints and committed Kafka offsets stay for the next run.",
            true,
            new Flag("web-port", "PORT", "8081", "port of the Flink web UI (0 = any free port)"),
            new Flag("data", "DIR", "local-data", "folder for the log file"));

    private Run() {}

    static void run(Options.Parsed p, Console console, StopSignal stop) throws Exception {
        StreamwatchConfig config = StreamwatchConfig.fromArgs(p.rest().toArray(String[]::new), System.getenv());
        requireKafka(config);
        try (LocalFlink flink = LocalFlink.start(p.integer("web-port", 0))) {
            try {
                flink.submit(config);
            } catch (LauncherException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new LauncherException("cannot prepare the database at " + config.jdbc().settings().redactedUrl()
                        + ": " + rootMessage(e));
            }
            console.println("Flink web UI: " + flink.webUi() + "  (job running; Ctrl-C stops it)");
            Status status = new Status(flink.metrics(), null, System.currentTimeMillis());
            while (!stop.await(Duration.ofSeconds(1))) {
                if (flink.status().isGloballyTerminalState()) break;
                console.status(status.line());
            }
            console.endStatus();
            flink.cancel();
            console.println(String.format("Stopped. Read %,d records: %,d invalid, %,d duplicates, %,d late beyond lateness; "
                            + "%,d windows written, %,d anomalies opened.",
                    flink.metrics().count("recordsIn"), flink.metrics().count("recordsInvalid"),
                    flink.metrics().count("duplicates"), flink.metrics().count("lateBeyondLateness"),
                    flink.metrics().count("windowsEmitted"), flink.metrics().count("anomaliesOpened")));
        }
    }

    /** Fails with one line if the configured Kafka does not answer, instead of a job that restarts forever. */
    private static void requireKafka(StreamwatchConfig config) {
        Map<String, Object> properties = new HashMap<>(config.source().kafkaProperties());
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.source().bootstrapServers());
        KafkaTraffic.connect(properties).close();
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
