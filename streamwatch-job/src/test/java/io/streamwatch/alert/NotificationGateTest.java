package io.streamwatch.alert;

import static io.streamwatch.alert.AlertFixtures.opened;
import static io.streamwatch.alert.AlertFixtures.resolved;
import static io.streamwatch.alert.AlertFixtures.routed;
import static io.streamwatch.testing.Events.MINUTE;
import static io.streamwatch.testing.Events.SECOND;
import static io.streamwatch.testing.Events.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.streamwatch.alert.AlertDelivery.Status;
import io.streamwatch.model.AnomalyEvent;
import io.streamwatch.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * Grouping, reminders, silences and the storm guard of one receiver, on processing time the test
 * moves by hand; and that only the last flush time (one number per receiver) stays behind.
 */
class NotificationGateTest {
    private static final long HOUR = 60 * MINUTE;
    private static final ReceiverSpec SLACK = AlertFixtures.slack(
            "chat", "https://hooks.example/x", Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(1));
    private static final ReceiverSpec PAGER = AlertFixtures.pagerDuty("pager", "https://pd.example/v2/enqueue");
    private static final StormGuard STORM = new StormGuard(2, Duration.ofMinutes(10));

    private final AnomalyEvent a = opened("a", "ewma", Severity.CRITICAL, T0);
    private final AnomalyEvent b = opened("b", "ewma", Severity.WARNING, T0);
    private final AnomalyEvent c = opened("c", "mad", Severity.WARNING, T0);

    @Test
    void alertsArrivingTogetherShareOneMessageAndFlushesKeepTheGroupInterval() throws Exception {
        try (var h = harness(List.of())) {
            h.setProcessingTime(0);
            h.processElement(routed(a, "chat"), 0);
            h.setProcessingTime(10 * SECOND);
            h.processElement(routed(b, "chat"), 0);
            h.setProcessingTime(29 * SECOND);
            assertThat(h.extractOutputValues()).isEmpty();

            h.setProcessingTime(30 * SECOND);
            h.processElement(routed(c, "chat"), 0);
            h.setProcessingTime(5 * MINUTE + 29 * SECOND);

            assertThat(messages(h)).containsExactly(List.of(a.anomalyId(), b.anomalyId()));
            h.setProcessingTime(5 * MINUTE + 30 * SECOND);
            assertThat(messages(h)).containsExactly(List.of(a.anomalyId(), b.anomalyId()), List.of(c.anomalyId()));
            assertThat(outbox(h))
                    .extracting(d -> d.status)
                    .containsOnly(Status.PENDING)
                    .hasSize(3);
        }
    }

    @Test
    void aStillFiringAlertIsRepeatedEveryRepeatIntervalUntilItResolves() throws Exception {
        try (var h = harness(List.of())) {
            h.setProcessingTime(0);
            h.processElement(routed(a, "chat"), 0);
            h.setProcessingTime(30 * SECOND);
            h.setProcessingTime(30 * SECOND + HOUR);
            h.setProcessingTime(30 * SECOND + 2 * HOUR + 30 * SECOND);
            h.processElement(routed(resolved(a, T0 + 5 * MINUTE), "chat"), 0);
            h.setProcessingTime(30 * SECOND + 2 * HOUR + 30 * SECOND + 5 * MINUTE);
            h.setProcessingTime(10 * HOUR);

            List<AlertEvent> sent = h.extractOutputValues().stream()
                    .flatMap(n -> n.alerts.stream())
                    .toList();
            assertThat(sent)
                    .extracting(e -> e.anomaly.kind, e -> e.repeat)
                    .containsExactly(
                            tuple(AnomalyEvent.Kind.OPENED, 0), tuple(AnomalyEvent.Kind.OPENED, 1),
                            tuple(AnomalyEvent.Kind.OPENED, 2), tuple(AnomalyEvent.Kind.RESOLVED, 0));
            assertThat(sent).extracting(AlertEvent::id).contains(a.anomalyId() + "|OPENED|repeat-2");
            assertCleaned(h);
        }
    }

    @Test
    void aSilenceRecordsTheAlertAsSuppressedAndNeitherItsFiringNorItsResolveIsSent() throws Exception {
        Silence maintenance = new Silence(
                "maintenance",
                new AlertMatcher(Set.of(), Set.of(), Pattern.compile("a"), Map.of()),
                Instant.ofEpochMilli(0),
                Instant.ofEpochMilli(HOUR));
        try (var h = harness(List.of(maintenance))) {
            h.setProcessingTime(0);
            h.processElement(routed(a, "chat"), 0);
            h.processElement(routed(b, "chat"), 0);
            h.setProcessingTime(2 * HOUR);
            h.processElement(routed(resolved(a, T0 + 5 * MINUTE), "chat"), 0);
            h.processElement(routed(resolved(b, T0 + 5 * MINUTE), "chat"), 0);
            h.setProcessingTime(3 * HOUR);

            assertThat(messages(h))
                    .containsExactly(List.of(b.anomalyId()), List.of(b.anomalyId()), List.of(b.anomalyId()));
            assertThat(outbox(h))
                    .filteredOn(d -> d.status == Status.SUPPRESSED)
                    .extracting(d -> d.alertEventId, d -> d.reason)
                    .containsExactly(
                            tuple(a.anomalyId() + "|OPENED", "silence maintenance"),
                            tuple(
                                    a.anomalyId() + "|RESOLVED",
                                    "resolved, but its firing was not sent to this receiver"));
            assertCleaned(h);
        }
    }

    @Test
    void theStormGuardHoldsBackMessagesOverTheCapAndSummarisesThemOnce() throws Exception {
        List<AnomalyEvent> storm = IntStream.range(0, 5)
                .mapToObj(i -> opened("s" + i, "ewma", Severity.CRITICAL, T0))
                .toList();
        try (var h = harness(List.of())) {
            h.setProcessingTime(0);
            for (AnomalyEvent e : storm) h.processElement(routed(e, "pager"), 0);
            h.setProcessingTime(1);
            // the two sent fire alerts resolve, and so does a held one: only the sent ones' resolves go out
            for (int i = 0; i < 3; i++) h.processElement(routed(resolved(storm.get(i), T0 + 5 * MINUTE), "pager"), 0);
            h.setProcessingTime(2);
            assertThat(h.extractOutputValues())
                    .extracting(n -> n.alerts.get(0).id())
                    .containsExactly(
                            storm.get(0).anomalyId() + "|OPENED", storm.get(1).anomalyId() + "|OPENED",
                            storm.get(0).anomalyId() + "|RESOLVED", storm.get(1).anomalyId() + "|RESOLVED");

            h.setProcessingTime(10 * MINUTE);

            Notification summary = h.extractOutputValues().get(4);
            assertThat(summary.isStormSummary()).isTrue();
            assertThat(summary.heldCount).isEqualTo(3);
            assertThat(summary.heldSample)
                    .isEqualTo("FIRING CRITICAL ewma anomaly on s2\nFIRING CRITICAL ewma anomaly on s3"
                            + "\nFIRING CRITICAL ewma anomaly on s4");
            assertThat(outbox(h))
                    .filteredOn(d -> d.status == Status.SUPPRESSED)
                    .hasSize(4)
                    .extracting(d -> d.reason)
                    .containsOnly(
                            "storm guard: more than 2 messages in PT10M",
                            "resolved, but its firing was not sent to this receiver");
            h.setProcessingTime(20 * MINUTE);
            assertThat(h.extractOutputValues()).hasSize(5);
            // PagerDuty's group interval is 0: no flush time needs keeping
            assertCleaned(h, 0);
        }
    }

    @Test
    void flappedEventsAreRecordedAsSuppressed() throws Exception {
        try (var h = harness(List.of())) {
            AlertEvent flapped = routed(a, "chat");
            flapped.suppressedBy = "flap: resolved within the minimum firing duration of 60000 ms";
            h.processElement(flapped, 0);
            h.setProcessingTime(HOUR);
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(outbox(h))
                    .extracting(d -> d.status, d -> d.reason)
                    .containsExactly(tuple(Status.SUPPRESSED, flapped.suppressedBy));
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    private static final InhibitRule CRITICAL_HIDES_WARNINGS = new InhibitRule(
            AlertMatcher.severities(Severity.CRITICAL),
            AlertMatcher.severities(Severity.WARNING),
            List.of("series_key"));
    private final AnomalyEvent critical = opened("service=checkout,metric=latency", "ewma", Severity.CRITICAL, T0);
    private final AnomalyEvent sameSeries = opened("service=checkout,metric=latency", "mad", Severity.WARNING, T0);
    private final AnomalyEvent otherSeries = opened("service=search,metric=latency", "mad", Severity.WARNING, T0);

    @Test
    void aFiringCriticalHidesWarningsOfItsSeriesWhichAreSentWhenItResolves() throws Exception {
        try (var h = harness(List.of(), List.of(CRITICAL_HIDES_WARNINGS))) {
            h.setProcessingTime(0);
            // the critical goes to the pager only: the chat hears of it as an inhibitor
            h.processElement(inhibitorOnly(critical, "chat"), 0);
            h.processElement(routed(sameSeries, "chat"), 0);
            h.processElement(routed(otherSeries, "chat"), 0);
            h.setProcessingTime(30 * SECOND);
            assertThat(messages(h)).containsExactly(List.of(otherSeries.anomalyId()));
            assertThat(outbox(h))
                    .filteredOn(d -> d.status == Status.INHIBITED)
                    .extracting(d -> d.alertEventId, d -> d.reason)
                    .containsExactly(tuple(
                            sameSeries.anomalyId() + "|OPENED",
                            "inhibited by " + critical.anomalyId() + " (inhibit rule 0)"));

            // no reminder of an inhibited alert: only the other series' comes (an hour and a group wait later)
            h.setProcessingTime(30 * SECOND + HOUR);
            h.setProcessingTime(2 * HOUR);
            assertThat(messages(h)).hasSize(2).allMatch(m -> m.equals(List.of(otherSeries.anomalyId())));

            h.processElement(inhibitorOnly(resolved(critical, T0 + 90 * MINUTE), "chat"), 0);
            h.setProcessingTime(2 * HOUR + 29 * SECOND);
            assertThat(messages(h)).hasSize(2);
            h.setProcessingTime(2 * HOUR + 30 * SECOND);
            assertThat(h.extractOutputValues().get(2).alerts)
                    .extracting(AlertEvent::id)
                    .containsExactly(sameSeries.anomalyId() + "|OPENED");

            h.processElement(routed(resolved(sameSeries, T0 + 2 * HOUR), "chat"), 0);
            h.processElement(routed(resolved(otherSeries, T0 + 2 * HOUR), "chat"), 0);
            h.setProcessingTime(3 * HOUR);
            assertThat(h.extractOutputValues().get(3).alerts)
                    .extracting(AlertEvent::id)
                    .containsExactly(sameSeries.anomalyId() + "|RESOLVED", otherSeries.anomalyId() + "|RESOLVED");
            h.setProcessingTime(10 * HOUR);
            assertThat(h.extractOutputValues()).hasSize(4);
            assertCleaned(h);
        }
    }

    @Test
    void aWarningThatResolvesWhileInhibitedIsNeverSentNorItsResolve() throws Exception {
        try (var h = harness(List.of(), List.of(CRITICAL_HIDES_WARNINGS))) {
            h.setProcessingTime(0);
            h.processElement(routed(critical, "chat"), 0);
            h.setProcessingTime(SECOND);
            h.processElement(routed(sameSeries, "chat"), 0);
            h.setProcessingTime(10 * SECOND);
            h.processElement(routed(resolved(sameSeries, T0 + 5 * MINUTE), "chat"), 0);
            h.setProcessingTime(HOUR);
            h.processElement(routed(resolved(critical, T0 + 50 * MINUTE), "chat"), 0);
            h.setProcessingTime(2 * HOUR);

            assertThat(messages(h)).containsExactly(List.of(critical.anomalyId()), List.of(critical.anomalyId()));
            assertThat(outbox(h))
                    .filteredOn(d -> d.anomalyId.equals(sameSeries.anomalyId()) && d.status != Status.PENDING)
                    .extracting(d -> d.alertEventId, d -> d.status)
                    .containsExactly(
                            tuple(sameSeries.anomalyId() + "|OPENED", Status.INHIBITED),
                            tuple(sameSeries.anomalyId() + "|RESOLVED", Status.SUPPRESSED));
            assertCleaned(h);
        }
    }

    @Test
    void anAlertSentBeforeItsInhibitorFiredHasItsRemindersHeldButItsResolveSent() throws Exception {
        try (var h = harness(List.of(), List.of(CRITICAL_HIDES_WARNINGS))) {
            h.setProcessingTime(0);
            h.processElement(routed(sameSeries, "chat"), 0);
            h.setProcessingTime(30 * SECOND);
            h.setProcessingTime(10 * MINUTE);
            h.processElement(inhibitorOnly(critical, "chat"), 0);
            h.setProcessingTime(30 * SECOND + HOUR);
            h.setProcessingTime(HOUR + 10 * MINUTE);
            h.processElement(routed(resolved(sameSeries, T0 + HOUR), "chat"), 0);
            h.setProcessingTime(2 * HOUR);

            assertThat(h.extractOutputValues())
                    .extracting(n -> n.alerts.get(0).id())
                    .containsExactly(sameSeries.anomalyId() + "|OPENED", sameSeries.anomalyId() + "|RESOLVED");
            assertThat(outbox(h))
                    .filteredOn(d -> d.status == Status.INHIBITED)
                    .extracting(d -> d.alertEventId)
                    .containsExactly(sameSeries.anomalyId() + "|OPENED|repeat-1");
            h.processElement(inhibitorOnly(resolved(critical, T0 + 2 * HOUR), "chat"), 0);
            h.setProcessingTime(10 * HOUR);
            assertThat(h.extractOutputValues())
                    .as("nothing is released after the alert resolved")
                    .hasSize(2);
            assertCleaned(h);
        }
    }

    @Test
    void eachGroupOfTheReceiversLabelsHasItsOwnMessagesWaitAndInterval() throws Exception {
        ReceiverSpec byService = new ReceiverSpec(
                "chat",
                ReceiverSpec.Type.SLACK,
                "https://hooks.example/x",
                null,
                Duration.ofSeconds(30),
                Duration.ofMinutes(5),
                Duration.ZERO,
                10,
                Map.of(),
                List.of("service"));
        AnomalyEvent checkoutErrors = opened("service=checkout,metric=errors", "ewma", Severity.WARNING, T0);
        AnomalyEvent checkoutLater = opened("service=checkout,metric=p99", "ewma", Severity.WARNING, T0);
        AnomalyEvent payments = opened("service=payments,metric=errors", "ewma", Severity.WARNING, T0);
        try (var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new NotificationGate(
                        Map.of("chat", byService), List.of(), new StormGuard(100, Duration.ofMinutes(10)), List.of()),
                (AlertEvent e) -> e.receiver,
                Types.STRING)) {
            h.setProcessingTime(0);
            h.processElement(routed(critical, "chat"), 0);
            h.processElement(routed(otherSeries, "chat"), 0);
            h.processElement(routed(checkoutErrors, "chat"), 0);
            h.setProcessingTime(30 * SECOND);
            h.processElement(routed(checkoutLater, "chat"), 0);
            h.setProcessingTime(MINUTE);
            h.processElement(routed(payments, "chat"), 0);
            h.setProcessingTime(MINUTE + 30 * SECOND);
            h.setProcessingTime(5 * MINUTE + 30 * SECOND);

            assertThat(h.extractOutputValues())
                    .extracting(
                            n -> n.group,
                            n -> n.alerts.stream()
                                    .map(e -> e.anomaly.anomalyId())
                                    .toList())
                    .containsExactly(
                            tuple("service=checkout", List.of(critical.anomalyId(), checkoutErrors.anomalyId())),
                            tuple("service=search", List.of(otherSeries.anomalyId())),
                            // a quiet group waits only its group wait, whatever the others do
                            tuple("service=payments", List.of(payments.anomalyId())),
                            // a busy one keeps its interval
                            tuple("service=checkout", List.of(checkoutLater.anomalyId())));
            assertThat(SlackMessages.render(h.extractOutputValues().get(0), AlertFixtures.CONTEXT)
                            .get("text")
                            .asText())
                    .startsWith("streamwatch: 2 firing · service=checkout\n");
        }
    }

    private static AlertEvent inhibitorOnly(AnomalyEvent a, String receiver) {
        AlertEvent e = routed(a, receiver);
        e.inhibitorOnly = true;
        return e;
    }

    /**
     * The last flush time stays while it spaces the next flush (within the group interval: Slack's
     * 5 min here); everything else is gone, and no timer is left.
     */
    private static void assertCleaned(KeyedOneInputStreamOperatorTestHarness<String, AlertEvent, Notification> h) {
        assertCleaned(h, 1);
    }

    private static void assertCleaned(
            KeyedOneInputStreamOperatorTestHarness<String, AlertEvent, Notification> h, int lastFlushTimes) {
        assertThat(h.numKeyedStateEntries()).isEqualTo(lastFlushTimes);
        assertThat(h.numProcessingTimeTimers()).isZero();
    }

    private static List<List<String>> messages(
            KeyedOneInputStreamOperatorTestHarness<String, AlertEvent, Notification> h) {
        return h.extractOutputValues().stream()
                .map(n -> n.alerts.stream().map(e -> e.anomaly.anomalyId()).toList())
                .toList();
    }

    private static List<AlertDelivery> outbox(
            KeyedOneInputStreamOperatorTestHarness<String, AlertEvent, Notification> h) {
        return h.getSideOutput(NotificationGate.OUTBOX).stream()
                .map(StreamRecord::getValue)
                .toList();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AlertEvent, Notification> harness(
            List<Silence> silences) throws Exception {
        return harness(silences, List.of());
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AlertEvent, Notification> harness(
            List<Silence> silences, List<InhibitRule> inhibitRules) throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new NotificationGate(Map.of("chat", SLACK, "pager", PAGER), silences, STORM, inhibitRules),
                (AlertEvent e) -> e.receiver,
                Types.STRING);
    }
}
