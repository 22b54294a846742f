package io.streamwatch.config;

import io.streamwatch.alert.AlertLabels;
import io.streamwatch.alert.AlertMatcher;
import io.streamwatch.alert.AlertSettings;
import io.streamwatch.alert.DeliveryPolicy;
import io.streamwatch.alert.InhibitRule;
import io.streamwatch.alert.MessageContext;
import io.streamwatch.alert.ReceiverSpec;
import io.streamwatch.alert.ReceiverSpec.Type;
import io.streamwatch.alert.Route;
import io.streamwatch.alert.Routing;
import io.streamwatch.alert.Silence;
import io.streamwatch.alert.StormGuard;
import io.streamwatch.model.Severity;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the {@code alerting:} section into {@link AlertSettings}. Secrets (Slack webhook URLs,
 * PagerDuty routing keys) come only from the environment variables the receivers name.
 */
public final class AlertingReader {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Set<String> PAGERDUTY_SEVERITIES = Set.of("critical", "error", "warning", "info");
    private static final int PAGERDUTY_ROUTING_KEY_LENGTH = 32;

    private AlertingReader() {}

    /** Alerting alone from a parsed YAML tree holding an {@code alerting:} section: for tests and tools. */
    public static AlertSettings load(Map<String, Object> tree, Map<String, String> environment) {
        ConfigReader r = new ConfigReader(ConfigReader.flatten(tree));
        AlertSettings config = read(r, environment);
        r.finish();
        return config;
    }

    static AlertSettings read(ConfigReader r, Map<String, String> environment) {
        String p = "alerting.";
        List<ReceiverSpec> receivers = readReceivers(r, p + "receivers", environment);
        Set<String> names = new HashSet<>();
        receivers.forEach(rs -> names.add(rs.name()));

        List<Route> routes = new ArrayList<>();
        List<Map<String, Object>> routeSpecs = r.mapList(p + "routes");
        for (int i = 0; i < routeSpecs.size(); i++) {
            String where = p + "routes[" + i + "]";
            ConfigReader e = r.entry(where, routeSpecs.get(i));
            AlertMatcher match = readMatcher(e, where + ".match");
            List<String> to = knownReceivers(e, where + ".receivers", names);
            if (to.isEmpty()) e.problem(where + ".receivers", null, "required: the names of one or more receivers");
            boolean cont = e.bool(where + ".continue", false);
            e.reportUnknownKeys();
            routes.add(new Route(match, to, cont));
        }
        if (routeSpecs.isEmpty()) routes = defaultRoutes(receivers);
        List<String> defaults = knownReceivers(r, p + "default-receivers", names);

        List<Silence> silences = new ArrayList<>();
        List<Map<String, Object>> silenceSpecs = r.mapList(p + "silences");
        for (int i = 0; i < silenceSpecs.size(); i++) {
            String where = p + "silences[" + i + "]";
            ConfigReader e = r.entry(where, silenceSpecs.get(i));
            String name = e.requiredString(where + ".name", "a name, shown as the reason in the outbox");
            AlertMatcher match = readMatcher(e, where + ".match");
            Instant starts = e.instant(where + ".starts-at", null);
            Instant ends = e.instant(where + ".ends-at", null);
            if (starts == null) e.problem(where + ".starts-at", null, "required: when the silence begins (ISO-8601)");
            if (ends == null) e.problem(where + ".ends-at", null, "required: when the silence ends (ISO-8601)");
            e.reportUnknownKeys();
            if (name != null && starts != null && ends != null) {
                if (ends.isAfter(starts)) {
                    silences.add(new Silence(name, match, starts, ends));
                } else {
                    e.problem(where + ".ends-at", ends, "must be after starts-at (" + starts + ")");
                }
            }
        }

        List<InhibitRule> inhibitRules = new ArrayList<>();
        List<Map<String, Object>> ruleSpecs = r.mapList(p + "inhibit-rules");
        for (int i = 0; i < ruleSpecs.size(); i++) {
            String where = p + "inhibit-rules[" + i + "]";
            ConfigReader e = r.entry(where, ruleSpecs.get(i));
            AlertMatcher source = requiredMatcher(
                    e,
                    where + ".source-match",
                    "the alerts that inhibit others while they fire, e.g. {severity: [critical]}");
            AlertMatcher target = requiredMatcher(
                    e, where + ".target-match", "the alerts they inhibit, e.g. {severity: [warning, info]}");
            List<String> equal = labelNames(e, where + ".equal");
            e.reportUnknownKeys();
            inhibitRules.add(new InhibitRule(source, target, equal));
        }

        Duration minFiring = r.duration(p + "min-firing-duration", Duration.ofMinutes(1), Duration.ZERO);
        StormGuard storm = new StormGuard(
                r.intIn(p + "storm-guard.max-messages", 20, 1, 100_000),
                r.duration(p + "storm-guard.interval", Duration.ofMinutes(5), Duration.ofSeconds(1)));
        String d = p + "delivery.";
        DeliveryPolicy delivery = new DeliveryPolicy(
                r.intIn(d + "max-attempts", 8, 1, 100),
                r.duration(d + "initial-backoff", Duration.ofSeconds(1), Duration.ofMillis(1)),
                r.duration(d + "max-backoff", Duration.ofMinutes(5), Duration.ofMillis(1)),
                r.duration(d + "request-timeout", Duration.ofSeconds(10), Duration.ofMillis(1)),
                r.intIn(d + "max-in-flight", 100, 1, 10_000),
                r.duration(d + "give-up-after", Duration.ofMinutes(30), Duration.ofMillis(1)));
        if (delivery.giveUpAfter().compareTo(delivery.requestTimeout()) < 0) {
            r.problem(
                    d + "give-up-after",
                    Durations.format(delivery.giveUpAfter()),
                    "must be at least " + d + "request-timeout (" + Durations.format(delivery.requestTimeout()) + ")");
        }
        MessageContext context = new MessageContext(
                r.string(p + "source", "streamwatch"),
                url(r, p + "flink-web-ui-url", "http://localhost:8081"),
                url(r, p + "data-url-template", ""));
        return new AlertSettings(
                List.copyOf(receivers),
                new Routing(routes, defaults),
                List.copyOf(silences),
                List.copyOf(inhibitRules),
                minFiring,
                storm,
                delivery,
                context);
    }

    /** Without routes: critical pages PagerDuty and posts to Slack, warning posts to Slack, info stays in the database. */
    private static List<Route> defaultRoutes(List<ReceiverSpec> receivers) {
        List<String> slack = receivers.stream()
                .filter(rs -> rs.type() == Type.SLACK)
                .map(ReceiverSpec::name)
                .toList();
        List<String> critical = new ArrayList<>(receivers.stream()
                .filter(rs -> rs.type() == Type.PAGERDUTY)
                .map(ReceiverSpec::name)
                .toList());
        critical.addAll(slack);
        List<Route> routes = new ArrayList<>();
        if (!critical.isEmpty()) routes.add(new Route(AlertMatcher.severities(Severity.CRITICAL), critical, false));
        if (!slack.isEmpty()) routes.add(new Route(AlertMatcher.severities(Severity.WARNING), slack, false));
        return routes;
    }

    private static List<ReceiverSpec> readReceivers(ConfigReader r, String key, Map<String, String> environment) {
        List<ReceiverSpec> receivers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<Map<String, Object>> specs = r.mapList(key);
        for (int i = 0; i < specs.size(); i++) {
            String where = key + "[" + i + "]";
            ConfigReader e = r.entry(where, specs.get(i));
            String name = e.requiredString(where + ".name", "a name that routes refer to");
            if (name != null && !NAME.matcher(name).matches()) {
                e.problem(where + ".name", name, "expected letters, digits, '.', '_' and '-' only");
            } else if (name != null && !names.add(name)) {
                e.problem(where + ".name", name, "another receiver has this name");
            }
            Type type = e.enumValue(where + ".type", Type.class, null);
            if (type == null) {
                e.problem(where + ".type", null, "required: slack or pagerduty");
                e.reportUnknownKeys();
                continue;
            }
            boolean slack = type == Type.SLACK;
            Duration groupWait =
                    e.duration(where + ".group-wait", slack ? Duration.ofSeconds(30) : Duration.ZERO, Duration.ZERO);
            // Slack takes about one message per second per webhook
            Duration groupInterval = e.duration(
                    where + ".group-interval",
                    slack ? Duration.ofMinutes(5) : Duration.ZERO,
                    slack ? Duration.ofSeconds(1) : Duration.ZERO);
            // PagerDuty escalates by itself; reminders are for chat
            Duration repeat =
                    e.duration(where + ".repeat-interval", slack ? Duration.ofHours(4) : Duration.ZERO, Duration.ZERO);
            List<String> groupBy = labelNames(e, where + ".group-by");
            ReceiverSpec spec;
            if (slack) {
                String url = secret(e, where + ".webhook-url-env", environment, "the Slack incoming webhook URL");
                if (url != null && !url.startsWith("https://") && !url.startsWith("http://")) {
                    e.problem(
                            where + ".webhook-url-env",
                            "the variable named here holds a value that is not an http(s) URL");
                }
                int perMessage =
                        e.intIn(where + ".max-alerts-per-message", 10, 1, ReceiverSpec.SLACK_MAX_ALERTS_PER_MESSAGE);
                spec = new ReceiverSpec(
                        name, type, url, null, groupWait, groupInterval, repeat, perMessage, Map.of(), groupBy);
            } else {
                String routingKey =
                        secret(e, where + ".routing-key-env", environment, "the PagerDuty routing (integration) key");
                if (routingKey != null && routingKey.length() != PAGERDUTY_ROUTING_KEY_LENGTH) {
                    e.problem(
                            where + ".routing-key-env",
                            "the variable named here holds " + routingKey.length()
                                    + " characters; a PagerDuty routing key has " + PAGERDUTY_ROUTING_KEY_LENGTH);
                }
                String url = url(e, where + ".url", ReceiverSpec.PAGERDUTY_EVENTS_URL);
                Map<Severity, String> severities = new EnumMap<>(Severity.class);
                for (Severity s : Severity.values()) {
                    String k = where + ".severity." + s.name().toLowerCase(Locale.ROOT);
                    String v = e.string(k, s.name().toLowerCase(Locale.ROOT));
                    if (!PAGERDUTY_SEVERITIES.contains(v))
                        e.problem(k, v, "expected one of critical, error, warning, info");
                    severities.put(s, v);
                }
                spec = new ReceiverSpec(
                        name, type, url, routingKey, groupWait, groupInterval, repeat, 1, severities, groupBy);
            }
            e.reportUnknownKeys();
            receivers.add(spec);
        }
        return receivers;
    }

    /** The value of the environment variable the key names; a problem naming the variable when it is unset. */
    private static String secret(ConfigReader r, String key, Map<String, String> environment, String what) {
        String variable = r.requiredString(key, "the environment variable that holds " + what);
        if (variable == null) return null;
        String value = environment.get(variable);
        if (value == null || value.isBlank()) {
            r.problem(key, "environment variable " + variable + " is not set; it must hold " + what);
            return null;
        }
        return value.trim();
    }

    private static AlertMatcher readMatcher(ConfigReader r, String prefix) {
        Set<Severity> severities = new HashSet<>();
        for (String s : r.stringList(prefix + ".severity", List.of())) {
            try {
                severities.add(Severity.valueOf(s.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                r.problem(prefix + ".severity", s, "expected info, warning or critical");
            }
        }
        List<String> detectors = r.stringList(prefix + ".detector", List.of());
        Pattern seriesKey = regex(r, prefix + ".series-key", r.string(prefix + ".series-key", null));
        Map<String, Pattern> attributes = new LinkedHashMap<>();
        r.stringMap(prefix + ".attributes").forEach((name, value) -> {
            Pattern pattern = regex(r, prefix + ".attributes." + name, value);
            if (pattern != null) attributes.put(name, pattern);
        });
        return new AlertMatcher(severities, Set.copyOf(detectors), seriesKey, attributes);
    }

    /** A matcher that must say something: an empty one would match every alert. */
    private static AlertMatcher requiredMatcher(ConfigReader r, String prefix, String what) {
        AlertMatcher m = readMatcher(r, prefix);
        if (m.equals(AlertMatcher.ANY)) r.problem(prefix, null, "required: " + what);
        return m;
    }

    /** Label names ({@link AlertLabels}), each once. */
    private static List<String> labelNames(ConfigReader r, String key) {
        List<String> names = new ArrayList<>();
        for (String name : r.stringList(key, List.of())) {
            if (!AlertLabels.NAME.matcher(name).matches()) {
                r.problem(
                        key,
                        name,
                        "expected label names: " + AlertLabels.SERIES_KEY + ", " + AlertLabels.DETECTOR + ", "
                                + AlertLabels.SEVERITY + " or a name of the series key's name=value pairs");
            } else if (names.contains(name)) {
                r.problem(key, "names " + name + " twice");
            } else {
                names.add(name);
            }
        }
        return names;
    }

    private static Pattern regex(ConfigReader r, String key, String value) {
        if (value == null) return null;
        try {
            return Pattern.compile(value);
        } catch (PatternSyntaxException e) {
            r.problem(key, value, "expected a Java regular expression: " + e.getDescription());
            return null;
        }
    }

    private static List<String> knownReceivers(ConfigReader r, String key, Set<String> names) {
        List<String> listed = r.stringList(key, List.of());
        for (String name : listed) {
            if (!names.contains(name)) {
                r.problem(
                        key,
                        name,
                        names.isEmpty()
                                ? "no receivers are configured under alerting.receivers"
                                : "expected the name of a receiver: one of "
                                        + String.join(
                                                ", ", names.stream().sorted().toList()));
            }
        }
        return listed.stream().filter(names::contains).toList();
    }

    private static String url(ConfigReader r, String key, String defaultValue) {
        String value = r.string(key, defaultValue);
        if (value == null || value.isEmpty()) return value;
        try {
            URI uri = URI.create(value.replace("{", "%7B").replace("}", "%7D"));
            if (uri.getScheme() == null || !uri.getScheme().startsWith("http")) throw new IllegalArgumentException();
        } catch (IllegalArgumentException e) {
            r.problem(key, value, "expected an absolute http(s) URL");
        }
        return value;
    }
}
