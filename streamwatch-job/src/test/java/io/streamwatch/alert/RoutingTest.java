package io.streamwatch.alert;

import static io.streamwatch.alert.AlertFixtures.opened;
import static io.streamwatch.testing.Events.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamwatch.config.AlertingReader;
import io.streamwatch.config.ConfigException;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.model.AnomalyEvent;
import io.streamwatch.model.Severity;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Routes, matchers and silences, as plain Java and as read from YAML. */
class RoutingTest {
    private static final Map<String, String> ENV =
            Map.of("SLACK_URL", "https://hooks.slack.com/services/T/B/X", "PD_KEY", AlertFixtures.ROUTING_KEY);

    private static final String RECEIVERS = """
            alerting:
              receivers:
                - {name: chat, type: slack, webhook-url-env: SLACK_URL}
                - {name: pager, type: pagerduty, routing-key-env: PD_KEY}
            """;

    @Test
    void withoutRoutesCriticalPagesAndChatsWarningChatsAndInfoStaysQuiet() throws Exception {
        Routing routing = load(RECEIVERS).routing();

        assertThat(routing.receivers(anomaly(Severity.CRITICAL, "ewma", "a"))).containsExactly("pager", "chat");
        assertThat(routing.receivers(anomaly(Severity.WARNING, "ewma", "a"))).containsExactly("chat");
        assertThat(routing.receivers(anomaly(Severity.INFO, "ewma", "a"))).isEmpty();
    }

    @Test
    void theFirstMatchingRouteWinsUnlessItContinuesAndTheDefaultTakesTheRest() throws Exception {
        Routing routing = load(RECEIVERS + """
                  routes:
                    - match: {detector: [missingdata]}
                      receivers: [chat]
                      continue: true
                    - match: {severity: [critical], series-key: "service=checkout,.*"}
                      receivers: [pager]
                    - match: {attributes: {region: "eu-.*"}}
                      receivers: [chat, pager]
                  default-receivers: [chat]
                """).routing();

        assertThat(routing.receivers(anomaly(Severity.CRITICAL, "ewma", "service=checkout,region=us-1")))
                .containsExactly("pager");
        assertThat(routing.receivers(anomaly(Severity.CRITICAL, "missingdata", "service=checkout,region=us-1")))
                .containsExactly("chat", "pager");
        assertThat(routing.receivers(anomaly(Severity.INFO, "mad", "service=search,region=eu-west-1")))
                .containsExactly("chat", "pager");
        assertThat(routing.receivers(anomaly(Severity.INFO, "mad", "service=search,region=us-1")))
                .containsExactly("chat");
        assertThat(routing.receivers(anomaly(Severity.INFO, "mad", "plain-key")))
                .containsExactly("chat");
    }

    @Test
    void matchersTestEveryConditionAndWholeValues() {
        AlertMatcher m = new AlertMatcher(
                Set.of(Severity.WARNING, Severity.CRITICAL),
                Set.of("ewma"),
                Pattern.compile("db\\..*"),
                Map.of("host", Pattern.compile("db-[0-9]+")));

        assertThat(m.matches(anomaly(Severity.WARNING, "ewma", "db.latency"))).isFalse(); // no host attribute
        assertThat(m.matches(anomaly(Severity.WARNING, "ewma", "db.latency=1,host=db-7")))
                .isTrue();
        assertThat(m.matches(anomaly(Severity.WARNING, "ewma", "db.latency=1,host=db-7x")))
                .isFalse();
        assertThat(m.matches(anomaly(Severity.INFO, "ewma", "db.latency=1,host=db-7")))
                .isFalse();
        assertThat(m.matches(anomaly(Severity.WARNING, "mad", "db.latency=1,host=db-7")))
                .isFalse();
        assertThat(AlertMatcher.ANY.matches(anomaly(Severity.INFO, "x", "y"))).isTrue();
        assertThat(SeriesLabels.parse("service=checkout, region = eu-1"))
                .containsExactly(Map.entry("service", "checkout"), Map.entry("region", "eu-1"));
        assertThat(SeriesLabels.parse("checkout.latency")).isEmpty();
    }

    @Test
    void aSilenceMutesMatchingAnomaliesOnlyDuringItsTimeRange() throws Exception {
        Silence silence = load(RECEIVERS + """
                  silences:
                    - name: db-maintenance
                      match: {series-key: "db\\\\..*"}
                      starts-at: 2024-05-01T22:00:00Z
                      ends-at: 2024-05-01T23:00:00Z
                """).silences().get(0);
        long start = Instant.parse("2024-05-01T22:00:00Z").toEpochMilli();
        AnomalyEvent db = anomaly(Severity.CRITICAL, "ewma", "db.latency");

        assertThat(silence.mutes(db, start - 1)).isFalse();
        assertThat(silence.mutes(db, start)).isTrue();
        assertThat(silence.mutes(db, start + 3_600_000 - 1)).isTrue();
        assertThat(silence.mutes(db, start + 3_600_000)).isFalse();
        assertThat(silence.mutes(anomaly(Severity.CRITICAL, "ewma", "web.latency"), start))
                .isFalse();
    }

    @Test
    void withoutReceiversAlertingIsOffAndNeedsNoSecrets() throws Exception {
        AlertSettings config = AlertingReader.load(Map.of(), Map.of());
        assertThat(config.enabled()).isFalse();
        assertThat(config.routing().receivers(anomaly(Severity.CRITICAL, "ewma", "a")))
                .isEmpty();
    }

    @Test
    void mistakesNameTheKeyTheValueAndWhatIsAllowed() {
        assertThatThrownBy(() -> AlertingReader.load(StreamwatchConfig.readYaml(yaml("""
                alerting:
                  receivers:
                    - {name: chat, type: slack, webhook-url-env: MISSING_VAR}
                    - {name: pager, type: pagerduty, routing-key-env: SHORT_KEY, severity: {warning: major}}
                    - {name: chat, type: email}
                  routes:
                    - match: {severity: [urgent], series-key: "("}
                      receivers: [chat, nobody]
                  silences:
                    - {name: s, starts-at: 2024-05-02T00:00:00Z, ends-at: 2024-05-01T00:00:00Z}
                  storm-guard: {max-messages: 0}
                  delivery: {give-up-after: 1s, request-timeout: 10s}
                  flink-web-ui-url: "not a url"
                """)), Map.of("SHORT_KEY", "abc")))
                .isInstanceOf(ConfigException.class)
                .satisfies(
                        e -> assertThat(((ConfigException) e).problems())
                                .containsExactlyInAnyOrder(
                                        "alerting.receivers[0].webhook-url-env: environment variable MISSING_VAR is not set;"
                                                + " it must hold the Slack incoming webhook URL",
                                        "alerting.receivers[1].routing-key-env: the variable named here holds 3 characters;"
                                                + " a PagerDuty routing key has 32",
                                        "alerting.receivers[1].severity.warning: 'major' is not valid; expected one of critical, error, warning, info",
                                        "alerting.receivers[2].name: 'chat' is not valid; another receiver has this name",
                                        "alerting.receivers[2].type: 'email' is not valid; expected one of slack, pagerduty",
                                        "alerting.receivers[2].type: missing; required: slack or pagerduty",
                                        "alerting.routes[0].match.severity: 'urgent' is not valid; expected info, warning or critical",
                                        "alerting.routes[0].match.series-key: '(' is not valid; expected a Java regular expression: Unclosed group",
                                        "alerting.routes[0].receivers: 'nobody' is not valid; expected the name of a receiver: one of chat, pager",
                                        "alerting.silences[0].ends-at: '2024-05-01T00:00:00Z' is not valid; must be after starts-at (2024-05-02T00:00:00Z)",
                                        "alerting.storm-guard.max-messages: '0' is not valid; expected a whole number from 1 to 100000",
                                        "alerting.delivery.give-up-after: '1 s' is not valid; must be at least alerting.delivery.request-timeout (10 s)",
                                        "alerting.flink-web-ui-url: 'not a url' is not valid; expected an absolute http(s) URL"));
    }

    @Test
    void inhibitRulesAndGroupLabelsAreReadAndMatchOnTheAlertsLabels() throws Exception {
        AlertSettings config = load("""
                alerting:
                  receivers:
                    - {name: chat, type: slack, webhook-url-env: SLACK_URL, group-by: [service, region]}
                    - {name: pager, type: pagerduty, routing-key-env: PD_KEY}
                  inhibit-rules:
                    - source-match: {severity: [critical]}
                      target-match: {severity: [warning, info]}
                      equal: [series_key]
                    - source-match: {detector: [missingdata]}
                      target-match: {attributes: {service: "checkout"}}
                      equal: [service]
                """);
        assertThat(config.receivers())
                .extracting(ReceiverSpec::groupBy)
                .containsExactly(java.util.List.of("service", "region"), java.util.List.of());
        InhibitRule sameSeries = config.inhibitRules().get(0);
        InhibitRule sameService = config.inhibitRules().get(1);
        AnomalyEvent critical = anomaly(Severity.CRITICAL, "ewma", "service=checkout,metric=latency");
        AnomalyEvent warning = anomaly(Severity.WARNING, "mad", "service=checkout,metric=latency");
        AnomalyEvent otherSeries = anomaly(Severity.WARNING, "mad", "service=checkout,metric=errors");

        assertThat(sameSeries.inhibits(critical, warning)).isTrue();
        assertThat(sameSeries.inhibits(critical, otherSeries))
                .as("equal: series_key")
                .isFalse();
        assertThat(sameSeries.inhibits(warning, critical))
                .as("source and target the other way round")
                .isFalse();
        assertThat(sameSeries.inhibits(critical, critical)).as("never itself").isFalse();
        AnomalyEvent silent = anomaly(Severity.CRITICAL, "missingdata", "service=checkout,metric=errors");
        assertThat(sameService.inhibits(silent, critical)).isTrue();
        assertThat(sameService.inhibits(silent, anomaly(Severity.CRITICAL, "ewma", "service=search,metric=x")))
                .isFalse();
        assertThat(AlertLabels.of(warning))
                .containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(
                        "detector", "mad",
                        "metric", "latency",
                        "series_key", "service=checkout,metric=latency",
                        "service", "checkout",
                        "severity", "warning")));
    }

    @Test
    void inhibitRuleAndGroupMistakesNameTheKeyTheValueAndWhatIsAllowed() {
        assertThatThrownBy(() -> load("""
                        alerting:
                          receivers:
                            - {name: chat, type: slack, webhook-url-env: SLACK_URL, group-by: [service, "no spaces", service]}
                          inhibit-rules:
                            - target-match: {severity: [warning]}
                              equal: [series_key]
                            - source-match: {sevrity: [critical]}
                              target-match: {severity: [warm]}
                        """))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .containsExactlyInAnyOrder(
                                "alerting.receivers[0].group-by: 'no spaces' is not valid; expected label names:"
                                        + " series_key, detector, severity or a name of the series key's name=value pairs",
                                "alerting.receivers[0].group-by: names service twice",
                                "alerting.inhibit-rules[0].source-match: missing; required: the alerts that inhibit"
                                        + " others while they fire, e.g. {severity: [critical]}",
                                "alerting.inhibit-rules[1].source-match: missing; required: the alerts that inhibit"
                                        + " others while they fire, e.g. {severity: [critical]}",
                                "alerting.inhibit-rules[1].source-match.sevrity: unknown setting; did you mean"
                                        + " alerting.inhibit-rules[1].source-match.severity?",
                                "alerting.inhibit-rules[1].target-match.severity: 'warm' is not valid; expected info,"
                                        + " warning or critical",
                                "alerting.inhibit-rules[1].target-match: missing; required: the alerts they inhibit,"
                                        + " e.g. {severity: [warning, info]}"));
    }

    private static AnomalyEvent anomaly(Severity severity, String detector, String series) {
        return opened(series, detector, severity, T0);
    }

    private static AlertSettings load(String yaml) throws Exception {
        return AlertingReader.load(StreamwatchConfig.readYaml(yaml(yaml)), ENV);
    }

    private static ByteArrayInputStream yaml(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
