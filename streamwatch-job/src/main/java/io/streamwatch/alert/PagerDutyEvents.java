package io.streamwatch.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamwatch.model.AnomalyEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * PagerDuty Events API v2 events: trigger when an anomaly fires, resolve when it resolves, both with
 * the dedup key of its detector and series, so re-sends are idempotent and the resolve closes the
 * incident the trigger opened.
 */
final class PagerDutyEvents {
    static final int DEDUP_KEY_MAX = 255;
    static final int SUMMARY_MAX = 1024;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "streamwatch/";

    private PagerDutyEvents() {}

    /**
     * {@code streamwatch/<detector>/<series key>}; past 255 characters, its head and a hash of the
     * whole, so distinct series never share a key.
     */
    static String dedupKey(AnomalyEvent a) {
        String key = PREFIX + a.detector + "/" + a.seriesKey;
        if (key.length() <= DEDUP_KEY_MAX) return key;
        String hash = "~" + sha256(key).substring(0, 32);
        return key.substring(0, DEDUP_KEY_MAX - hash.length()) + hash;
    }

    static ObjectNode render(Notification n, ReceiverSpec receiver, MessageContext context) {
        ObjectNode event = JSON.createObjectNode().put("routing_key", receiver.routingKey());
        if (n.isStormSummary()) {
            event.put("event_action", "trigger").put("dedup_key", PREFIX + "storm-guard/" + receiver.name());
            ObjectNode payload = event.putObject("payload")
                    .put(
                            "summary",
                            AlertText.limit(
                                    context.source() + ": storm guard held back " + n.heldCount
                                            + " alert events for receiver " + receiver.name(),
                                    SUMMARY_MAX))
                    .put("source", context.source())
                    .put("severity", "warning")
                    .put("timestamp", Instant.ofEpochMilli(n.stormIntervalStart).toString())
                    .put("class", "storm-guard");
            payload.putObject("custom_details").put("held_back", n.heldCount).put("sample", n.heldSample);
            return withClient(event, context);
        }
        AlertEvent e = n.alerts.get(0);
        AnomalyEvent a = e.anomaly;
        event.put("event_action", e.firing() ? "trigger" : "resolve").put("dedup_key", dedupKey(a));
        if (!e.firing()) return event;
        ObjectNode payload = event.putObject("payload")
                .put(
                        "summary",
                        AlertText.limit(
                                "[" + a.severity + "] " + AlertText.title(a) + ": " + AlertText.measurement(a),
                                SUMMARY_MAX))
                .put("source", a.seriesKey)
                .put("severity", receiver.pagerDutySeverity().getOrDefault(a.severity, "error"))
                .put("timestamp", Instant.ofEpochMilli(a.windowEnd).toString())
                .put("component", a.detector)
                .put("group", context.source())
                .put("class", "anomaly");
        ObjectNode details = payload.putObject("custom_details")
                .put("series_key", a.seriesKey)
                .put("detector", a.detector)
                .put("observed", finiteOrNull(a.observed))
                .put("expected_range", AlertText.range(a.expectedLow, a.expectedHigh))
                .put("expected_low", finiteOrNull(a.expectedLow))
                .put("expected_high", finiteOrNull(a.expectedHigh))
                .put("window", AlertText.window(a.windowStart, a.windowEnd))
                .put("score", a.score)
                .put("anomaly_id", a.anomalyId());
        if (a.message != null) details.put("message", a.message);
        ArrayNode links = event.putArray("links");
        if (context.webUi() != null)
            links.addObject().put("href", context.webUi()).put("text", "Flink web UI");
        String data = context.dataUrl(a);
        if (data != null) links.addObject().put("href", data).put("text", "Data for " + a.seriesKey);
        return withClient(event, context);
    }

    private static ObjectNode withClient(ObjectNode event, MessageContext context) {
        event.put("client", context.source());
        if (context.webUi() != null) event.put("client_url", context.webUi());
        return event;
    }

    /** JSON has no infinities: an unbounded side of the range is null. */
    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
