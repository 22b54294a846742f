package io.streamwatch;

import static io.streamwatch.testing.Events.SECOND;
import static io.streamwatch.testing.Events.T0;
import static io.streamwatch.testing.Events.jsonBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.deploy.Dashboard;
import io.streamwatch.deploy.DeploymentFiles;
import io.streamwatch.deploy.Scrape;
import io.streamwatch.testkit.Await;
import io.streamwatch.testkit.JobRestarts;
import io.streamwatch.testkit.KafkaExtension;
import io.streamwatch.testkit.PostgresExtension;
import io.streamwatch.testkit.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard against the metrics the job really exports: the production wiring on real
 * Kafka and PostgreSQL, on a MiniCluster with Flink's Prometheus reporter configured as
 * docker-compose.yml configures it; once the job has processed records and completed a checkpoint,
 * every metric and label each panel queries must be in the reporter's scrape, and every SQL panel
 * must run on the job's database.
 */
class DashboardITCase {
    private static final int REPORTER_PORT = freePort();

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .setConfiguration(reporterAsInCompose(REPORTER_PORT))
            .build());

    @TempDir
    Path checkpoints;

    @Test
    void everyMetricAPanelQueriesIsExported() throws Exception {
        String topic = KAFKA.createTopic("dashboard", 2);
        for (int i = 0; i < 200; i++) {
            long eventTime = T0 + i * 3 * SECOND; // 10 minutes of event time: windows close
            KAFKA.produce(topic, i % 2, null, jsonBytes("e" + i, "series-" + (i % 4), eventTime, i % 7), eventTime);
        }
        KAFKA.produce(topic, 0, null, jsonBytes("e1", "series-1", T0 + 3 * SECOND, 1), T0); // a duplicate
        KAFKA.produce(topic, 1, null, "not json".getBytes(StandardCharsets.UTF_8), T0); // a dead letter
        KAFKA.produce(topic, 0, null, jsonBytes("old", "series-0", T0, 1), T0); // late

        TestDatabase db = POSTGRES.createDatabase("dashboard");
        Map<String, String> overrides =
                BoundedProductionJob.connection(KAFKA.bootstrapServers(), topic, db, checkpoints);
        overrides.put("watermarks.idleness", "0s");
        Map<String, String> environment = new HashMap<>(BoundedProductionJob.environment(db));
        environment.put("DASHBOARD_SLACK_URL", "http://127.0.0.1:9/never-called");
        // one receiver, so that the alert delivery panels' per-receiver metrics exist
        Map<String, Object> tree = Map.of(
                "alerting",
                Map.of(
                        "receivers",
                        List.of(Map.of("name", "chat", "type", "slack", "webhook-url-env", "DASHBOARD_SLACK_URL"))));
        StreamwatchConfig config = StreamwatchConfig.load(tree, overrides, environment);

        StreamwatchJob.prepareDatabase(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironment.configure(env, config);
        env.setParallelism(2);
        StreamwatchJob.wire(env, config);
        JobClient job = env.executeAsync(config.jobName());
        try {
            URI metrics = URI.create("http://localhost:" + REPORTER_PORT + "/metrics");
            String checkpoints = "flink_jobmanager_job_numberOfCompletedCheckpoints";
            String windows = "flink_taskmanager_job_task_operator_windowsEmitted";
            Await.until(
                    "the job to emit windows and complete a checkpoint",
                    Duration.ofSeconds(90),
                    () -> {
                        Scrape s = Scrape.fetch(metrics);
                        return s.sum(checkpoints) >= 1 && s.sum(windows) >= 1;
                    },
                    () -> {
                        Scrape s = Scrape.fetch(metrics);
                        return checkpoints + " " + s.sum(checkpoints) + ", " + windows + " " + s.sum(windows);
                    });
            Scrape scrape = Scrape.fetch(metrics);
            scrape.writeTo(Path.of("target", "dashboard-scrape.txt"));

            Dashboard dashboard = Dashboard.read(DeploymentFiles.DASHBOARD);
            assertThat(dashboard.promQueries())
                    .as("the dashboard's PromQL queries")
                    .hasSizeGreaterThan(10);
            assertThat(dashboard.missingIn(scrape))
                    .as("metrics or labels the dashboard queries that the job does not export"
                            + " (the scrape is in target/dashboard-scrape.txt)")
                    .isEmpty();

            // a query PostgreSQL refuses fails here at once; the dead letter may still be on its way
            assertThat(dashboard.sqlQueries()).as("the dashboard's SQL queries").isNotEmpty();
            Await.until(
                    "every SQL panel to show rows",
                    Duration.ofSeconds(30),
                    () -> dashboard.sqlQueries().stream()
                            .allMatch(sql -> !db.query(sql).isEmpty()));
            System.out.printf(
                    "DashboardITCase: %d PromQL and %d SQL queries checked against %d exported metric names%n",
                    dashboard.promQueries().size(),
                    dashboard.sqlQueries().size(),
                    scrape.names().size());
            JobRestarts.assertNone(FLINK, job.getJobID());
        } finally {
            job.cancel().get();
        }
    }

    /** The reporter settings of docker-compose.yml's Flink services, on a port of this test's own. */
    private static Configuration reporterAsInCompose(int port) {
        Configuration flink = new Configuration();
        DeploymentFiles.composeFlinkProperties().forEach((key, value) -> {
            if (key.startsWith("metrics.")) flink.setString(key, value);
        });
        flink.setString("metrics.reporter.prom.port", String.valueOf(port));
        return flink;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port for the Prometheus reporter", e);
        }
    }
}
