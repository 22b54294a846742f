package io.streamwatch.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamwatch.model.AnomalyEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Slack incoming-webhook messages in Block Kit, with the plain-text {@code text} fallback Slack
 * shows in notifications. Limits respected: header 150 characters, section text 3000, 50 blocks.
 */
final class SlackMessages {
    static final int HEADER_MAX = 150;
    static final int SECTION_MAX = 3000;
    static final int TEXT_MAX = 3000;
    /** Blocks per alert: a section and a context line of links. */
    static final int MAX_ALERTS = 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private SlackMessages() {}

    static ObjectNode render(Notification n, MessageContext context) {
        return n.isStormSummary() ? stormSummary(n, context) : alerts(n.alerts, n.group, context);
    }

    private static ObjectNode alerts(List<AlertEvent> alerts, String group, MessageContext context) {
        long firing = alerts.stream().filter(AlertEvent::firing).count();
        long resolved = alerts.size() - firing;
        List<String> counts = new ArrayList<>();
        if (firing > 0) counts.add(firing + " firing");
        if (resolved > 0) counts.add(resolved + " resolved");
        String headline = context.source() + ": " + String.join(", ", counts)
                + (group == null || group.isEmpty() ? "" : " · " + group);

        ObjectNode message = JSON.createObjectNode();
        message.put(
                "text",
                AlertText.limit(
                        headline + "\n"
                                + alerts.stream()
                                        .map(e -> AlertText.state(e) + " " + severity(e.anomaly) + " "
                                                + AlertText.title(e.anomaly) + ": " + AlertText.measurement(e.anomaly))
                                        .collect(Collectors.joining("\n")),
                        TEXT_MAX));
        ArrayNode blocks = message.putArray("blocks");
        blocks.add(header((firing > 0 ? ":rotating_light: " : ":white_check_mark: ") + headline));
        for (AlertEvent e : alerts) {
            AnomalyEvent a = e.anomaly;
            String text = "*" + icon(e) + " " + AlertText.state(e) + " · " + severity(a) + "* `" + escape(a.detector)
                    + "` anomaly on `" + escape(a.seriesKey) + "`\n"
                    + escape(AlertText.measurement(a)) + "\n"
                    + "Window " + AlertText.window(a.windowStart, a.windowEnd)
                    + (a.message == null || a.message.isBlank() ? "" : "\n_" + escape(a.message) + "_");
            blocks.add(section(text));
            String links = links(context, a);
            if (!links.isEmpty()) blocks.add(context(links));
        }
        return message;
    }

    private static ObjectNode stormSummary(Notification n, MessageContext context) {
        String headline = context.source() + ": storm guard held back " + n.heldCount + " alert notification"
                + (n.heldCount == 1 ? "" : "s");
        ObjectNode message = JSON.createObjectNode();
        message.put("text", AlertText.limit(headline + "\n" + n.heldSample, TEXT_MAX));
        ArrayNode blocks = message.putArray("blocks");
        blocks.add(header(":no_bell: " + headline));
        blocks.add(section("Too many alerts at once: these were recorded in the alert_deliveries table"
                + " but not sent. Among them:\n" + escape(n.heldSample)));
        if (context.webUi() != null) blocks.add(context("<" + context.webUi() + "|Flink web UI>"));
        return message;
    }

    private static String links(MessageContext context, AnomalyEvent a) {
        List<String> links = new ArrayList<>();
        if (context.webUi() != null) links.add("<" + context.webUi() + "|Flink web UI>");
        String data = context.dataUrl(a);
        if (data != null) links.add("<" + data + "|Data>");
        return String.join(" · ", links);
    }

    private static String icon(AlertEvent e) {
        return !e.firing() ? ":large_green_circle:" : e.repeat > 0 ? ":repeat:" : ":red_circle:";
    }

    private static String severity(AnomalyEvent a) {
        return a.severity == null ? "UNKNOWN" : a.severity.name();
    }

    private static ObjectNode header(String text) {
        ObjectNode block = JSON.createObjectNode().put("type", "header");
        block.putObject("text")
                .put("type", "plain_text")
                .put("text", AlertText.limit(text, HEADER_MAX))
                .put("emoji", true);
        return block;
    }

    private static ObjectNode section(String mrkdwn) {
        ObjectNode block = JSON.createObjectNode().put("type", "section");
        block.putObject("text").put("type", "mrkdwn").put("text", AlertText.limit(mrkdwn, SECTION_MAX));
        return block;
    }

    private static ObjectNode context(String mrkdwn) {
        ObjectNode block = JSON.createObjectNode().put("type", "context");
        block.putArray("elements").addObject().put("type", "mrkdwn").put("text", AlertText.limit(mrkdwn, SECTION_MAX));
        return block;
    }

    /** Slack's mrkdwn reserves &, < and >. */
    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
