package io.streamwatch.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamwatch.model.Severity;
import java.io.Serializable;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A place notifications go, and how often.
 *
 * @param url Slack: the incoming webhook URL (a secret); PagerDuty: the Events API v2 endpoint
 * @param routingKey PagerDuty only: the integration's routing key (a secret)
 * @param groupWait how long the first alert of a quiet receiver waits for others to join its message
 * @param groupInterval the least time between two flushes of the receiver's group
 * @param repeatInterval reminders of a still-firing alert after this long; zero for none
 * @param maxAlertsPerMessage Slack only: alerts per message, more go in further messages
 * @param pagerDutySeverity PagerDuty only: our severity to critical, error, warning or info
 * @param groupBy the labels ({@link AlertLabels}) whose values make a group: alerts of one group share
 *     flushes and messages, each group keeps its own group wait and interval; none: the receiver is
 *     one group
 */
public record ReceiverSpec(
        String name,
        Type type,
        String url,
        String routingKey,
        Duration groupWait,
        Duration groupInterval,
        Duration repeatInterval,
        int maxAlertsPerMessage,
        Map<Severity, String> pagerDutySeverity,
        List<String> groupBy)
        implements Serializable {

    public enum Type {
        SLACK,
        PAGERDUTY
    }

    /** PagerDuty's Events API v2, where a PagerDuty receiver posts unless configured otherwise. */
    public static final String PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";
    /** The most alerts one Slack message may carry (Slack renders at most 50 blocks). */
    public static final int SLACK_MAX_ALERTS_PER_MESSAGE = SlackMessages.MAX_ALERTS;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Slack accepts about one message per second per webhook. */
    static final Duration SLACK_SEND_INTERVAL = Duration.ofSeconds(1);

    public ReceiverSpec {
        pagerDutySeverity = Map.copyOf(pagerDutySeverity);
        groupBy = List.copyOf(groupBy);
    }

    /** The group an alert is in at this receiver: its {@link #groupBy} labels, {@code name=value,...}. */
    String group(AlertEvent e) {
        return groupBy.isEmpty() ? "" : AlertLabels.select(e.labels(), groupBy);
    }

    /** Slack messages carry many alerts; a PagerDuty event is about one. */
    boolean batches() {
        return type == Type.SLACK;
    }

    /**
     * Messages of one lane are sent one after another, in order: a whole Slack webhook (its rate
     * limit is per webhook), or one PagerDuty dedup key (a resolve must not overtake its trigger).
     */
    String lane(Notification n) {
        return type == Type.SLACK || n.isStormSummary()
                ? name
                : name + "|" + PagerDutyEvents.dedupKey(n.alerts.get(0).anomaly);
    }

    /** The pause a lane takes after each message. */
    Duration sendInterval() {
        return type == Type.SLACK ? SLACK_SEND_INTERVAL : Duration.ZERO;
    }

    ObjectNode payload(Notification n, MessageContext context) {
        return type == Type.SLACK ? SlackMessages.render(n, context) : PagerDutyEvents.render(n, this, context);
    }

    /** The POST that delivers the notification. */
    HttpRequest request(Notification n, MessageContext context, Duration timeout) {
        try {
            return HttpRequest.newBuilder(URI.create(url))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(payload(n, context))))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a message as JSON", e);
        }
    }

    @Override
    public String toString() {
        // the webhook URL and the routing key are secrets
        return "ReceiverSpec{" + name + ", " + type + (type == Type.PAGERDUTY ? ", " + url : "")
                + ", groupWait=" + groupWait + ", groupInterval=" + groupInterval
                + ", repeatInterval=" + repeatInterval + (groupBy.isEmpty() ? "" : ", groupBy=" + groupBy) + "}";
    }
}
