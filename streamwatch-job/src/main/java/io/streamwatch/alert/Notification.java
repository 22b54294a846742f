package io.streamwatch.alert;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One message to one receiver: one HTTP request. Either alert events (several for a Slack group,
 * one for a PagerDuty event), or the storm guard's summary of what it held back.
 */
public class Notification {
    public String receiver;
    /** The group's labels ({@code service=checkout}), empty when the receiver groups by none. */
    public String group = "";

    @TypeInfo(AlertEventListTypeInfoFactory.class)
    public List<AlertEvent> alerts = new ArrayList<>();
    /** Storm summary only: how many alert events were held back, and a sample of them, one per line. */
    public int heldCount;

    public String heldSample;
    /** Storm summary only: start of the storm guard's interval the summary covers. */
    public long stormIntervalStart;

    public Notification() {}

    public static Notification of(String receiver, List<AlertEvent> alerts) {
        return of(receiver, "", alerts);
    }

    public static Notification of(String receiver, String group, List<AlertEvent> alerts) {
        Notification n = new Notification();
        n.receiver = receiver;
        n.group = group;
        n.alerts = new ArrayList<>(alerts);
        return n;
    }

    public static Notification stormSummary(String receiver, long intervalStart, int heldCount, String heldSample) {
        Notification n = new Notification();
        n.receiver = receiver;
        n.stormIntervalStart = intervalStart;
        n.heldCount = heldCount;
        n.heldSample = heldSample;
        return n;
    }

    public boolean isStormSummary() {
        return heldCount > 0;
    }

    /** The outbox id of a storm summary (alert events have their own ids). */
    public String stormSummaryId() {
        return "storm-guard|" + receiver + "|" + stormIntervalStart;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Notification n
                && heldCount == n.heldCount
                && stormIntervalStart == n.stormIntervalStart
                && Objects.equals(receiver, n.receiver)
                && Objects.equals(group, n.group)
                && Objects.equals(alerts, n.alerts)
                && Objects.equals(heldSample, n.heldSample);
    }

    @Override
    public int hashCode() {
        return Objects.hash(receiver, alerts, heldCount, stormIntervalStart);
    }

    @Override
    public String toString() {
        return isStormSummary()
                ? "Notification{storm summary to " + receiver + ": " + heldCount + " held}"
                : "Notification{to " + receiver + ": " + alerts + "}";
    }
}
