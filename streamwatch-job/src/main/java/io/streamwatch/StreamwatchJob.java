package io.streamwatch;

import io.streamwatch.alert.AlertEnds;
import io.streamwatch.alert.JdbcAlertOutbox;
import io.streamwatch.config.ConfigException;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.pipeline.PipelineEnds;
import io.streamwatch.pipeline.StreamwatchPipeline;
import io.streamwatch.sink.JdbcSettings;
import io.streamwatch.sink.SchemaManager;
import io.streamwatch.sink.StreamwatchSinks;
import io.streamwatch.source.KafkaIngest;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Streamwatch job: loads and validates configuration, prepares the database, wires Kafka and
 * PostgreSQL to the pipeline and runs it.
 *
 * <pre>flink run streamwatch.jar --config conf/streamwatch.yaml [--some.key value ...]</pre>
 */
public final class StreamwatchJob {
    private static final Logger LOG = LoggerFactory.getLogger(StreamwatchJob.class);

    private StreamwatchJob() {}

    public static void main(String[] args) throws Exception {
        StreamwatchConfig config;
        try {
            config = StreamwatchConfig.fromArgs(args, System.getenv());
            requireSecrets(config);
            checkSourceOffsets(config);
        } catch (ConfigException e) {
            // the message lists every problem; a stack trace would only bury it
            System.err.println(e.getMessage());
            throw e;
        }
        run(config);
    }

    /**
     * Refuses to start without the database password: the job would go on without one, and the
     * database's refusal does not name the variable. Other tests and tools build configurations
     * without an environment, so the check is here, where the job starts, not in the reader.
     */
    static void requireSecrets(StreamwatchConfig config) {
        if (config.jdbc().settings().password() != null) return;
        String variable = config.effective().get("sink.jdbc.password-env");
        throw new ConfigException(List.of("sink.jdbc.password-env: environment variable " + variable
                + " is not set; set it to the database password (empty for a database that asks for none) in"
                + " the environment of the process that runs main(): the one running flink run, or the"
                + " JobManager when the job is submitted through the REST API or the web UI"));
    }

    /**
     * Refuses explicit starting or stopping offsets that the broker cannot honour (a partition left
     * out or unknown, an offset outside what the partition holds), each problem named as the
     * configuration's are: Kafka would otherwise start or stop somewhere else without a word.
     */
    public static void checkSourceOffsets(StreamwatchConfig config) {
        List<String> problems = KafkaIngest.offsetProblems(config.source());
        if (!problems.isEmpty()) throw new ConfigException(problems);
    }

    public static JobExecutionResult run(StreamwatchConfig config) throws Exception {
        logStart(config);
        prepareDatabase(config);
        StreamExecutionEnvironment env = JobEnvironment.create(config);
        wire(env, config);
        return env.execute(config.jobName());
    }

    /** Applies the schema migrations if configured, then refuses to go on unless the schema is complete. */
    public static void prepareDatabase(StreamwatchConfig config) {
        JdbcSettings jdbc = config.jdbc().settings();
        if (config.jdbc().migrate()) {
            int applied = SchemaManager.migrate(jdbc);
            LOG.info("Database schema at {}: {} migration(s) applied", jdbc.redactedUrl(), applied);
        }
        SchemaManager.verify(jdbc, List.of(JdbcAlertOutbox.TABLE));
    }

    /** Production wiring: the Kafka source, and PostgreSQL and the receivers as the ends. */
    public static void wire(StreamExecutionEnvironment env, StreamwatchConfig config) {
        StreamwatchPipeline.define(
                env,
                KafkaIngest.builder(config.source(), config.contract()).build(),
                config,
                productionEnds(config.jdbc().settings()));
    }

    /** The tables of the schema (see {@link SchemaManager}), and alerts over HTTP with the outbox in PostgreSQL. */
    public static PipelineEnds productionEnds(JdbcSettings jdbc) {
        return new PipelineEnds(
                StreamwatchSinks.windowAggregates(jdbc),
                StreamwatchSinks.anomalies(jdbc),
                StreamwatchSinks.deadLetters(jdbc),
                StreamwatchSinks.lateEvents(jdbc),
                StreamwatchSinks.ingestLedger(jdbc),
                AlertEnds.http(new JdbcAlertOutbox(jdbc)));
    }

    /** The configuration in effect, secrets masked ({@link StreamwatchConfig#effective()}). */
    static void logStart(StreamwatchConfig config) {
        LOG.info("Starting {} with configuration:\n{}", config.jobName(), summary(config.effective()));
    }

    static String summary(Map<String, String> effective) {
        return effective.entrySet().stream()
                .map(e -> "  " + e.getKey() + " = " + e.getValue())
                .collect(Collectors.joining("\n"));
    }
}
