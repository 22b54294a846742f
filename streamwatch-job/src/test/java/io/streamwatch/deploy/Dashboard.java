package io.streamwatch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The queries of a Grafana dashboard (panels, rows' nested panels and template variables), and what
 * of them a scrape lacks: a metric name no series has, a label a selector or a {@code by}/{@code
 * without} clause names that the metric's series do not carry, or a literal label value
 * ({@code operator_name="dedupe_by_event_id"}) no series has. Values with Grafana variables are not
 * checked.
 */
public final class Dashboard {
    /** Flink's reporter prefixes every metric with flink_; anything else in an expression is PromQL. */
    private static final Pattern METRIC = Pattern.compile("\\b(flink_[a-zA-Z0-9_:]+)(\\{([^}]*)})?");

    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)");

    private final List<String> promQueries;
    private final List<String> sqlQueries;

    private Dashboard(List<String> promQueries, List<String> sqlQueries) {
        this.promQueries = promQueries;
        this.sqlQueries = sqlQueries;
    }

    public static Dashboard read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        List<String> prom = new ArrayList<>();
        List<String> sql = new ArrayList<>();
        collectPanels(root.path("panels"), prom, sql);
        for (JsonNode variable : root.path("templating").path("list")) {
            JsonNode query = variable.path("query");
            String text = query.isObject() ? query.path("query").asText() : query.asText();
            if (!text.isBlank()) prom.add(text);
        }
        return new Dashboard(List.copyOf(prom), List.copyOf(sql));
    }

    private static void collectPanels(JsonNode panels, List<String> prom, List<String> sql) {
        for (JsonNode panel : panels) {
            collectPanels(panel.path("panels"), prom, sql); // collapsed rows hold their panels
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr")) prom.add(target.get("expr").asText());
                if (target.hasNonNull("rawSql")) sql.add(target.get("rawSql").asText());
            }
        }
    }

    public List<String> promQueries() {
        return promQueries;
    }

    public List<String> sqlQueries() {
        return sqlQueries;
    }

    public List<String> missingIn(Scrape scrape) {
        return missing(promQueries, scrape);
    }

    /** One line per problem, naming the query; empty when the scrape has everything the queries use. */
    public static List<String> missing(List<String> queries, Scrape scrape) {
        List<String> problems = new ArrayList<>();
        for (String query : queries) {
            Set<String> labelsOfQuery = new LinkedHashSet<>();
            Matcher m = METRIC.matcher(query);
            boolean anyMetric = false;
            while (m.find()) {
                anyMetric = true;
                String name = m.group(1);
                List<Scrape.Sample> series = scrape.series(name);
                if (series.isEmpty()) {
                    problems.add(name + " is not exported (in: " + query + ")");
                    continue;
                }
                series.forEach(s -> labelsOfQuery.addAll(s.labels().keySet()));
                if (m.group(3) == null) continue;
                Matcher matcher = MATCHER.matcher(m.group(3));
                while (matcher.find()) {
                    String label = matcher.group(1);
                    String value = matcher.group(3);
                    if (series.stream().noneMatch(s -> s.labels().containsKey(label))) {
                        problems.add(name + " has no label " + label + " (in: " + query + ")");
                    } else if (matcher.group(2).equals("=")
                            && !value.contains("$")
                            && series.stream()
                                    .noneMatch(s -> value.equals(s.labels().get(label)))) {
                        problems.add(name + " has no series with " + label + "=\"" + value + "\" (in: " + query + ")");
                    }
                }
            }
            if (!anyMetric) problems.add("no flink_ metric in: " + query);
            Matcher grouping = GROUPING.matcher(query);
            while (grouping.find()) {
                for (String label : grouping.group(1).split(",")) {
                    String l = label.trim();
                    if (!l.isEmpty() && !labelsOfQuery.contains(l)) {
                        problems.add("no metric of the query has the label " + l + " (in: " + query + ")");
                    }
                }
            }
        }
        return problems;
    }
}
