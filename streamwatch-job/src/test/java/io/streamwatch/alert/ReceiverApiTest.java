package io.streamwatch.alert;

import static io.streamwatch.alert.AlertFixtures.CONTEXT;
import static io.streamwatch.alert.AlertFixtures.opened;
import static io.streamwatch.alert.AlertFixtures.resolved;
import static io.streamwatch.alert.AlertFixtures.routed;
import static io.streamwatch.alert.ReceiverStub.Answer;
import static io.streamwatch.testing.Events.MINUTE;
import static io.streamwatch.testing.Events.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamwatch.model.AnomalyEvent;
import io.streamwatch.model.Severity;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Our Slack and PagerDuty payloads and our handling of their answers, against real local HTTP
 * servers that validate payloads as the real APIs do.
 */
class ReceiverApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private ReceiverStub slackStub;
    private ReceiverStub pdStub;
    private ReceiverSpec slack;
    private ReceiverSpec pagerDuty;
    private HttpSender sender;

    @BeforeEach
    void start() throws Exception {
        slackStub = ReceiverStub.slack();
        pdStub = ReceiverStub.pagerDuty();
        slack = AlertFixtures.slack("slack", slackStub.url(), Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO);
        pagerDuty = AlertFixtures.pagerDuty("pagerduty", pdStub.url());
        sender = new HttpSender(
                HttpClient.newBuilder().executor(executor).build(),
                AlertFixtures.fastPolicy(),
                executor,
                System::currentTimeMillis);
    }

    @AfterEach
    void stop() {
        slackStub.close();
        pdStub.close();
        executor.shutdownNow();
    }

    @Test
    void pagerDutyAcceptsOurTriggerAndResolveWithTheSameDedupKey() throws Exception {
        AnomalyEvent opened = opened("service=checkout,metric=latency", "ewma", Severity.CRITICAL, T0);

        HttpSender.Result trigger = send(pagerDuty, Notification.of("pagerduty", List.of(routed(opened, "pagerduty"))));
        HttpSender.Result resolve = send(
                pagerDuty,
                Notification.of("pagerduty", List.of(routed(resolved(opened, T0 + 3 * MINUTE), "pagerduty"))));

        assertThat(trigger).isEqualTo(new HttpSender.Result(true, 1, null));
        assertThat(resolve).isEqualTo(new HttpSender.Result(true, 1, null));
        List<JsonNode> events = pdStub.accepted();
        assertThat(events).extracting(e -> e.get("event_action").asText()).containsExactly("trigger", "resolve");
        assertThat(events)
                .extracting(e -> e.get("dedup_key").asText())
                .containsOnly("streamwatch/ewma/service=checkout,metric=latency");
        JsonNode payload = events.get(0).get("payload");
        assertThat(payload.get("severity").asText()).isEqualTo("critical");
        assertThat(payload.get("source").asText()).isEqualTo("service=checkout,metric=latency");
        assertThat(payload.get("component").asText()).isEqualTo("ewma");
        assertThat(payload.get("custom_details").get("observed").asDouble()).isEqualTo(512.3);
        assertThat(payload.get("custom_details").get("expected_range").asText()).isEqualTo("9.8 to 12.1");
        assertThat(payload.get("custom_details").get("window").asText())
                .isEqualTo("2024-05-01T00:00:00Z to 2024-05-01T00:01:00Z");
        assertThat(payload.get("custom_details").get("score").asDouble()).isEqualTo(0.97);
        assertThat(events.get(0).get("links"))
                .extracting(l -> l.get("href").asText())
                .containsExactly(
                        "http://flink.example:8081",
                        "https://grafana.example/d/streamwatch?var-series=service%3Dcheckout%2Cmetric%3Dlatency"
                                + "&from=" + (T0 - 3_600_000) + "&to=" + (T0 + MINUTE + 3_600_000));
        PayloadSamples.record("pagerduty-trigger", events.get(0));
        PayloadSamples.record("pagerduty-resolve", events.get(1));
    }

    @Test
    void slackAcceptsOurGroupedMessageOfFiringAndResolvedAlerts() throws Exception {
        AnomalyEvent cpu = opened("service=checkout,metric=latency", "ewma", Severity.CRITICAL, T0);
        AnomalyEvent errors = opened("service=payments,metric=errors", "mad", Severity.WARNING, T0 + MINUTE);
        AlertEvent reminder = routed(errors, "slack");
        reminder.repeat = 1;
        Notification group = Notification.of(
                "slack",
                List.of(
                        routed(cpu, "slack"),
                        reminder,
                        routed(
                                resolved(
                                        opened("service=search,metric=p99", "ewma", Severity.WARNING, T0),
                                        T0 + 5 * MINUTE),
                                "slack")));

        assertThat(send(slack, group).sent()).isTrue();

        JsonNode message = slackStub.accepted().get(0);
        assertThat(message.get("text").asText())
                .startsWith("streamwatch: 2 firing, 1 resolved\nFIRING CRITICAL ewma anomaly"
                        + " on service=checkout,metric=latency: observed 512.3, expected 9.8 to 12.1, score 0.97");
        assertThat(message.get("blocks").get(0).get("text").get("text").asText())
                .isEqualTo(":rotating_light: streamwatch: 2 firing, 1 resolved");
        assertThat(message.get("blocks")).hasSize(1 + 3 * 2);
        assertThat(message.get("blocks").get(3).get("text").get("text").asText())
                .contains("STILL FIRING (reminder 1)");
        PayloadSamples.record("slack-grouped", message);
    }

    @Test
    void slackAcceptsAStormSummaryAndTheLargestGroupWeSend() throws Exception {
        List<AlertEvent> twenty = IntStream.range(0, SlackMessages.MAX_ALERTS)
                .mapToObj(i -> routed(opened("series-" + "x".repeat(200) + i, "ewma", Severity.WARNING, T0), "slack"))
                .toList();
        assertThat(send(slack, Notification.of("slack", twenty)).sent()).isTrue();
        assertThat(send(
                                slack,
                                Notification.stormSummary(
                                        "slack",
                                        T0,
                                        57,
                                        "FIRING WARNING ewma anomaly on a\nFIRING WARNING ewma anomaly on b"))
                        .sent())
                .isTrue();
        assertThat(slackStub.accepted()).hasSize(2);
    }

    @Test
    void aDedupKeyNeverExceeds255CharactersAndLongKeysStayDistinct() {
        AnomalyEvent a = opened("k".repeat(400) + "a", "ewma", Severity.CRITICAL, T0);
        AnomalyEvent b = opened("k".repeat(400) + "b", "ewma", Severity.CRITICAL, T0);
        assertThat(PagerDutyEvents.dedupKey(a)).hasSize(255).isNotEqualTo(PagerDutyEvents.dedupKey(b));
        assertThat(PagerDutyEvents.dedupKey(a)).isEqualTo(PagerDutyEvents.dedupKey(resolved(a, T0 + MINUTE)));
    }

    @Test
    void aRejectedEventIsADeadLetterAtOnce() throws Exception {
        pdStub.answerNext(Answer.status(400));

        HttpSender.Result r = send(
                pagerDuty,
                Notification.of("pagerduty", List.of(routed(opened("s", "ewma", Severity.CRITICAL, T0), "pagerduty"))));

        assertThat(r.sent()).isFalse();
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.reason()).startsWith("rejected: HTTP 400");
        assertThat(pdStub.received()).hasSize(1);
    }

    @Test
    void anInvalidPayloadIsRefusedByTheStubAsByTheRealApi() {
        JsonNode noSeverity = JSON.createObjectNode()
                .put("routing_key", AlertFixtures.ROUTING_KEY)
                .put("event_action", "trigger")
                .set("payload", JSON.createObjectNode().put("summary", "x").put("source", "y"));
        assertThat(ReceiverStub.validatePagerDuty(noSeverity))
                .containsExactly("payload.severity must be critical, error, warning or info");
        JsonNode longHeader = JSON.createObjectNode()
                .set(
                        "blocks",
                        JSON.createArrayNode()
                                .add(JSON.createObjectNode()
                                        .put("type", "header")
                                        .set(
                                                "text",
                                                JSON.createObjectNode()
                                                        .put("type", "plain_text")
                                                        .put("text", "h".repeat(151)))));
        assertThat(ReceiverStub.validateSlack(longHeader)).containsExactly("header.text.text longer than 150");
    }

    @Test
    void serverErrorsAndTimeoutsAreRetriedAndRetryAfterIsHonoured() throws Exception {
        slackStub.answerNext(Answer.status(500), Answer.hang(1_500), Answer.retryAfter(1));

        long start = System.currentTimeMillis();
        HttpSender.Result r = send(
                slack, Notification.of("slack", List.of(routed(opened("s", "ewma", Severity.WARNING, T0), "slack"))));

        assertThat(r).isEqualTo(new HttpSender.Result(true, 4, null));
        List<ReceiverStub.Received> received = slackStub.received();
        assertThat(received).extracting(ReceiverStub.Received::status).containsExactly(500, 200, 429, 200);
        // the 4th request waited out the second of Retry-After, not just the 50-200 ms backoff
        assertThat(received.get(3).at() - received.get(2).at()).isGreaterThanOrEqualTo(950);
        assertThat(System.currentTimeMillis() - start).isLessThan(10_000);
    }

    @Test
    void aReceiverThatKeepsFailingIsGivenUpAfterMaxAttempts() throws Exception {
        pdStub.answerNext(
                Answer.status(503), Answer.status(502), Answer.status(500), Answer.status(500), Answer.status(500));

        HttpSender.Result r = send(
                pagerDuty,
                Notification.of("pagerduty", List.of(routed(opened("s", "ewma", Severity.CRITICAL, T0), "pagerduty"))));

        assertThat(r.sent()).isFalse();
        assertThat(r.attempts()).isEqualTo(4);
        assertThat(r.reason()).isEqualTo("gave up after 4 attempts, last: HTTP 500");
    }

    private HttpSender.Result send(ReceiverSpec receiver, Notification n) throws Exception {
        HttpRequest request =
                receiver.request(n, CONTEXT, AlertFixtures.fastPolicy().requestTimeout());
        return sender.send(request, System.currentTimeMillis() + 20_000).get(30, TimeUnit.SECONDS);
    }
}
