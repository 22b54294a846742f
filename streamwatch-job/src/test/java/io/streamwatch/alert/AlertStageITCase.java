package io.streamwatch.alert;

import static io.streamwatch.alert.AlertFixtures.opened;
import static io.streamwatch.alert.AlertFixtures.resolved;
import static io.streamwatch.alert.ReceiverStub.Answer;
import static io.streamwatch.testing.Events.MINUTE;
import static io.streamwatch.testing.Events.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamwatch.config.AlertingReader;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.model.AnomalyEvent;
import io.streamwatch.model.Severity;
import io.streamwatch.sink.JdbcSettings;
import io.streamwatch.sink.SchemaManager;
import io.streamwatch.testkit.Await;
import io.streamwatch.testkit.FlinkCluster;
import io.streamwatch.testkit.PostgresExtension;
import io.streamwatch.testkit.TestDatabase;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Anomalies end to end into a Slack and a PagerDuty stand-in, through the real outbox in PostgreSQL,
 * with the job failing once mid-run (after a checkpoint, with messages in flight) and receivers that
 * answer 500, 429 with Retry-After, time out, and reject one poison event with 400. Every alert event
 * must reach each of its receivers, in order per anomaly, and any duplicate must be a message
 * accepted before the failure (the window between acceptance and the outbox recording it).
 */
class AlertStageITCase {
    private static final int ANOMALIES = 12;
    private static final String POISON = "poison";
    /** Static, so that the generator function refers to it instead of serializing it. */
    private static final List<AnomalyEvent> INPUT = input();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.extension();

    @Test
    void everyAlertEventReachesEveryReceiverInOrderAcrossAFailure() throws Exception {
        TestDatabase db = POSTGRES.createDatabase("alerts");
        JdbcSettings jdbc = new JdbcSettings(db.url(), db.user(), db.password(), 100, 100, 3);
        SchemaManager.migrate(jdbc);
        List<AnomalyEvent> input = INPUT;

        try (ReceiverStub slack = ReceiverStub.slack();
                ReceiverStub pagerDuty = ReceiverStub.pagerDuty()) {
            slack.answerNext(Answer.status(500), Answer.retryAfter(1));
            pagerDuty.answerNext(Answer.hang(1_500), Answer.status(503));
            pagerDuty.answerWhenBodyContains(POISON, Answer.status(400));
            AlertSettings config = config(slack, pagerDuty);

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            Configuration flink = new Configuration();
            flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(300));
            flink.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
            flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
            env.configure(flink);
            env.setParallelism(2);
            FailOnce.reset(ANOMALIES + 4);

            // never ends: after the anomalies come ticks (dropped after fail-once, which they keep
            // counting), so that the failure comes whatever the pace of checkpoints
            DataGeneratorSource<AnomalyEvent> source = new DataGeneratorSource<>(
                    i -> i < INPUT.size() ? INPUT.get(i.intValue()) : new AnomalyEvent(),
                    Long.MAX_VALUE,
                    RateLimiterStrategy.perSecond(16),
                    Types.POJO(AnomalyEvent.class));
            DataStream<AnomalyEvent> anomalies = env.fromSource(source, WatermarkStrategy.noWatermarks(), "anomalies")
                    .setParallelism(1)
                    .map(new FailOnce())
                    .setParallelism(1)
                    .name("fail-once")
                    .filter(a -> a.kind != null)
                    .setParallelism(1)
                    .name("drop-ticks");
            AlertStage.attach(anomalies, config, AlertEnds.http(new JdbcAlertOutbox(jdbc)));
            JobClient job = env.executeAsync("alerts");

            Map<String, List<String>> expected = expected(input);
            int expectedRows = expected.values().stream().mapToInt(List::size).sum();
            try {
                Await.until(
                        "every alert event accepted or dead-lettered and recorded",
                        Duration.ofSeconds(90),
                        () -> db.query("SELECT count(*) AS n FROM alert_deliveries WHERE status IN ('sent', 'failed')")
                                .get(0)
                                .get("n")
                                .equals((long) expectedRows),
                        () -> db.query("SELECT receiver, status, count(*) FROM alert_deliveries GROUP BY 1, 2")
                                .toString());
            } finally {
                job.cancel().get();
            }

            assertThat(FailOnce.failedAt).as("the failure was injected").isPositive();
            assertThat(FailOnce.restartedAt).as("the job restarted").isLessThan(Long.MAX_VALUE);
            Map<String, List<Delivered>> slackGot = slackEvents(slack);
            Map<String, List<Delivered>> pagerGot = pagerDutyEvents(pagerDuty);
            assertDelivered("slack", expected.get("chat"), slackGot);
            assertDelivered(
                    "pagerduty",
                    expected.get("pager").stream()
                            .filter(id -> !id.contains(POISON))
                            .toList(),
                    pagerGot);

            assertThat(db.query("SELECT alert_event_id, status, attempts, reason FROM alert_deliveries"
                            + " WHERE status <> 'sent' ORDER BY 1"))
                    .extracting(r -> r.get("alert_event_id"), r -> r.get("status"))
                    .containsExactly(
                            tuple(POISON + "|ewma|" + T0 + "|OPENED", "failed"),
                            tuple(POISON + "|ewma|" + T0 + "|RESOLVED", "failed"));
            assertThat(db.query("SELECT DISTINCT reason FROM alert_deliveries WHERE status = 'failed'"))
                    .singleElement()
                    .satisfies(r -> assertThat((String) r.get("reason")).startsWith("rejected: HTTP 400"));
            assertThat(db.query("SELECT receiver, count(*) AS n FROM alert_deliveries GROUP BY 1 ORDER BY 1"))
                    .containsExactly(
                            Map.of("receiver", "chat", "n", (long)
                                    expected.get("chat").size()),
                            Map.of("receiver", "pager", "n", (long)
                                    expected.get("pager").size()));
            PayloadSamples.record("e2e-slack-first", slack.accepted().get(0));
            PayloadSamples.record("e2e-pagerduty-first", pagerDuty.accepted().get(0));
        }
    }

    /**
     * Each alert event at least once; resolves after their firing; a duplicate only of a message the
     * failed run had sent (its requests may be answered while it is being cancelled), never in normal operation.
     */
    private static void assertDelivered(String receiver, List<String> expected, Map<String, List<Delivered>> got) {
        assertThat(got.keySet()).as(receiver + " got every alert event").containsAll(expected);
        for (Map.Entry<String, List<Delivered>> e : got.entrySet()) {
            if (e.getKey().endsWith("|RESOLVED")) {
                String firing = e.getKey().replace("|RESOLVED", "|OPENED");
                assertThat(got.get(firing))
                        .as(receiver + ": firing of " + e.getKey())
                        .isNotNull();
                assertThat(got.get(firing).get(0).at)
                        .as(receiver + ": " + e.getKey() + " after its firing")
                        .isLessThanOrEqualTo(e.getValue().get(0).at);
            }
            if (e.getValue().size() > 1) {
                assertThat(e.getValue().get(0).at)
                        .as(receiver + ": " + e.getKey() + " was sent twice, first by the failed run")
                        .isLessThan(FailOnce.restartedAt);
            }
        }
    }

    private record Delivered(long at) {}

    private static final Pattern SLACK_LINE =
            Pattern.compile("^(FIRING|RESOLVED) \\w+ (\\w+) anomaly on (\\S+):", Pattern.MULTILINE);

    /** Alert event id to the times Slack accepted a message carrying it, read from the messages' fallback text. */
    private static Map<String, List<Delivered>> slackEvents(ReceiverStub slack) {
        Map<String, List<Delivered>> got = new LinkedHashMap<>();
        for (ReceiverStub.Received r : slack.received()) {
            if (!r.accepted()) continue;
            Matcher m = SLACK_LINE.matcher(r.json().get("text").asText());
            while (m.find()) {
                String id = m.group(3) + "|" + m.group(2) + "|" + T0 + "|"
                        + (m.group(1).equals("FIRING") ? "OPENED" : "RESOLVED");
                got.computeIfAbsent(id, k -> new ArrayList<>()).add(new Delivered(r.at()));
            }
        }
        return got;
    }

    private static Map<String, List<Delivered>> pagerDutyEvents(ReceiverStub pagerDuty) {
        Map<String, List<Delivered>> got = new LinkedHashMap<>();
        for (ReceiverStub.Received r : pagerDuty.received()) {
            if (!r.accepted()) continue;
            JsonNode e = r.json();
            String[] parts = e.get("dedup_key").asText().split("/", 3); // streamwatch/<detector>/<series>
            String id = parts[2] + "|" + parts[1] + "|" + T0 + "|"
                    + (e.get("event_action").asText().equals("trigger") ? "OPENED" : "RESOLVED");
            got.computeIfAbsent(id, k -> new ArrayList<>()).add(new Delivered(r.at()));
        }
        return got;
    }

    /** Anomalies on distinct series, alternately critical and warning, each resolved six anomalies later; one poison. */
    private static List<AnomalyEvent> input() {
        List<AnomalyEvent> opened = new ArrayList<>();
        for (int i = 0; i < ANOMALIES; i++) {
            String series = i == 5 ? POISON : "service=svc" + i;
            opened.add(opened(series, "ewma", i % 2 == 0 ? Severity.CRITICAL : Severity.WARNING, T0));
        }
        opened.set(5, opened(POISON, "ewma", Severity.CRITICAL, T0));
        List<AnomalyEvent> events = new ArrayList<>();
        for (int i = 0; i < ANOMALIES + 6; i++) {
            if (i < ANOMALIES) events.add(opened.get(i));
            if (i >= 6) events.add(resolved(opened.get(i - 6), T0 + 5 * MINUTE));
        }
        return events;
    }

    /** Receiver to the alert event ids it must get: critical to pager and chat, warning to chat. */
    private static Map<String, List<String>> expected(List<AnomalyEvent> input) {
        Map<String, List<String>> expected = new HashMap<>();
        for (AnomalyEvent a : input) {
            String id = a.anomalyId() + "|" + a.kind;
            expected.computeIfAbsent("chat", k -> new ArrayList<>()).add(id);
            if (a.severity == Severity.CRITICAL)
                expected.computeIfAbsent("pager", k -> new ArrayList<>()).add(id);
        }
        return expected;
    }

    private static AlertSettings config(ReceiverStub slack, ReceiverStub pagerDuty) throws Exception {
        String yaml = """
                alerting:
                  receivers:
                    - name: chat
                      type: slack
                      webhook-url-env: SLACK_WEBHOOK_URL
                      group-wait: 200ms
                      group-interval: 1s
                      repeat-interval: 0s
                    - name: pager
                      type: pagerduty
                      routing-key-env: PAGERDUTY_ROUTING_KEY
                      url: %s
                  min-firing-duration: 0s
                  storm-guard: {max-messages: 1000, interval: 1min}
                  delivery:
                    max-attempts: 6
                    initial-backoff: 50ms
                    max-backoff: 500ms
                    request-timeout: 1s
                    give-up-after: 30s
                  flink-web-ui-url: http://localhost:8081
                  data-url-template: "https://grafana.example/d/streamwatch?var-series={series_key}&from={from_ms}&to={to_ms}"
                """.formatted(pagerDuty.url());
        return AlertingReader.load(
                StreamwatchConfig.readYaml(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))),
                Map.of("SLACK_WEBHOOK_URL", slack.url(), "PAGERDUTY_ROUTING_KEY", AlertFixtures.ROUTING_KEY));
    }

    /** Fails the job once, at the first record after {@code failAfter} records and a completed checkpoint. */
    static final class FailOnce extends RichMapFunction<AnomalyEvent, AnomalyEvent> implements CheckpointListener {
        static volatile long failedAt;
        static volatile long restartedAt;
        private static final AtomicInteger checkpoints = new AtomicInteger();
        private static final AtomicInteger seen = new AtomicInteger();
        private static volatile int failAfter;

        static void reset(int after) {
            failedAt = 0;
            restartedAt = Long.MAX_VALUE;
            checkpoints.set(0);
            seen.set(0);
            failAfter = after;
        }

        @Override
        public void open(OpenContext context) {
            if (getRuntimeContext().getTaskInfo().getAttemptNumber() > 0 && restartedAt == Long.MAX_VALUE) {
                restartedAt = System.currentTimeMillis();
            }
        }

        @Override
        public AnomalyEvent map(AnomalyEvent a) {
            if (seen.incrementAndGet() >= failAfter && failedAt == 0 && checkpoints.get() > 0) {
                failedAt = System.currentTimeMillis();
                throw new IllegalStateException("injected failure after " + seen.get() + " records");
            }
            return a;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpoints.incrementAndGet();
        }
    }
}
