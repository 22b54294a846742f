package io.streamwatch.alert;

import static io.streamwatch.testing.Events.MINUTE;

import io.streamwatch.model.AnomalyEvent;
import io.streamwatch.model.Severity;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Anomalies, receivers and policies for the alerting tests, at the fixed instants of {@code Events}. */
final class AlertFixtures {
    /** A PagerDuty routing key has 32 characters. */
    static final String ROUTING_KEY = "0123456789abcdef0123456789abcdef";

    static final MessageContext CONTEXT = new MessageContext(
            "streamwatch",
            "http://flink.example:8081",
            "https://grafana.example/d/streamwatch?var-series={series_key}&from={from_ms}&to={to_ms}");
    static final Map<Severity, String> PD_SEVERITIES =
            Map.of(Severity.CRITICAL, "critical", Severity.WARNING, "warning", Severity.INFO, "info");

    private AlertFixtures() {}

    static AnomalyEvent opened(String series, String detector, Severity severity, long windowStart) {
        AnomalyEvent a = new AnomalyEvent();
        a.seriesKey = series;
        a.detector = detector;
        a.kind = AnomalyEvent.Kind.OPENED;
        a.openedWindowStart = windowStart;
        a.windowStart = windowStart;
        a.windowEnd = windowStart + MINUTE;
        a.score = 0.97;
        a.severity = severity;
        a.observed = 512.3;
        a.expectedLow = 9.8;
        a.expectedHigh = 12.1;
        a.message = "mean 512.3 is 41.2 sigma above the EWMA 10.9";
        return a;
    }

    static AnomalyEvent resolved(AnomalyEvent opened, long windowStart) {
        AnomalyEvent a = opened(opened.seriesKey, opened.detector, opened.severity, opened.openedWindowStart);
        a.kind = AnomalyEvent.Kind.RESOLVED;
        a.windowStart = windowStart;
        a.windowEnd = windowStart + MINUTE;
        a.score = 0.1;
        a.observed = 11.0;
        a.message = "back within the expected range for 3 windows";
        return a;
    }

    static AlertEvent routed(AnomalyEvent a, String receiver) {
        AlertEvent e = AlertEvent.of(a);
        e.receiver = receiver;
        return e;
    }

    static ReceiverSpec slack(String name, String url, Duration groupWait, Duration groupInterval, Duration repeat) {
        return new ReceiverSpec(
                name, ReceiverSpec.Type.SLACK, url, null, groupWait, groupInterval, repeat, 10, Map.of(), List.of());
    }

    static ReceiverSpec pagerDuty(String name, String url) {
        return new ReceiverSpec(
                name,
                ReceiverSpec.Type.PAGERDUTY,
                url,
                ROUTING_KEY,
                Duration.ZERO,
                Duration.ZERO,
                Duration.ZERO,
                1,
                PD_SEVERITIES,
                List.of());
    }

    /** Quick retries and a short request timeout, so tests of failure paths take seconds. */
    static DeliveryPolicy fastPolicy() {
        return new DeliveryPolicy(
                4, Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofMillis(800), 16, Duration.ofSeconds(20));
    }
}
