package io.streamwatch.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A real local HTTP server standing in for a Slack incoming webhook or the PagerDuty Events API v2.
 * It checks each payload as the real API does (required fields, types, lengths, allowed values) and
 * answers 400 when it is invalid, as they do; tests can script other answers (429 with Retry-After,
 * 500, a delay past the client's timeout) for the next requests, or for requests whose body matches.
 */
final class ReceiverStub implements AutoCloseable {

    enum Api {
        SLACK,
        PAGERDUTY
    }

    /** One request, the status it was answered with, and when it arrived. */
    record Received(JsonNode json, String body, int status, long at) {
        boolean accepted() {
            return status / 100 == 2;
        }
    }

    /** A scripted answer; {@code delayMillis} holds it back, to make the client time out. */
    record Answer(int status, String body, Map<String, String> headers, long delayMillis) {
        static Answer status(int status) {
            return new Answer(status, "", Map.of(), 0);
        }

        static Answer retryAfter(int seconds) {
            return new Answer(429, "rate limited", Map.of("Retry-After", Integer.toString(seconds)), 0);
        }

        static Answer hang(long millis) {
            return new Answer(200, "", Map.of(), millis);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> PD_SEVERITIES = Set.of("critical", "error", "warning", "info");
    private static final Set<String> PD_ACTIONS = Set.of("trigger", "acknowledge", "resolve");
    private static final Set<String> SLACK_BLOCKS =
            Set.of("header", "section", "context", "divider", "actions", "image");

    private final Api api;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final ConcurrentLinkedQueue<Answer> next = new ConcurrentLinkedQueue<>();
    private final List<Map.Entry<Predicate<String>, Answer>> rules = Collections.synchronizedList(new ArrayList<>());

    private ReceiverStub(Api api) throws IOException {
        this.api = api;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    static ReceiverStub slack() throws IOException {
        return new ReceiverStub(Api.SLACK);
    }

    static ReceiverStub pagerDuty() throws IOException {
        return new ReceiverStub(Api.PAGERDUTY);
    }

    /** Slack: the webhook URL; PagerDuty: the enqueue endpoint. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort()
                + (api == Api.SLACK ? "/services/T000/B000/XXXX" : "/v2/enqueue");
    }

    /** The next requests get these answers, in order, whatever they carry. */
    void answerNext(Answer... answers) {
        next.addAll(List.of(answers));
    }

    /** Every request whose body contains the text gets this answer. */
    void answerWhenBodyContains(String text, Answer answer) {
        rules.add(Map.entry(body -> body.contains(text), answer));
    }

    /** In order of arrival; a request is listed once answered (a delayed one, late). */
    List<Received> received() {
        synchronized (received) {
            return received.stream()
                    .sorted(Comparator.comparingLong(Received::at))
                    .toList();
        }
    }

    List<JsonNode> accepted() {
        return received().stream()
                .filter(Received::accepted)
                .map(Received::json)
                .toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long arrived = System.currentTimeMillis();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Answer answer = next.poll();
        if (answer == null) {
            synchronized (rules) {
                answer = rules.stream()
                        .filter(r -> r.getKey().test(body))
                        .map(Map.Entry::getValue)
                        .findFirst()
                        .orElse(null);
            }
        }
        JsonNode json = null;
        List<String> problems;
        try {
            json = JSON.readTree(body);
            problems = "POST".equals(exchange.getRequestMethod()) ? validate(json) : List.of("method must be POST");
        } catch (IOException e) {
            problems = List.of("body is not JSON: " + e.getMessage());
        }
        if (answer == null) {
            answer = problems.isEmpty() ? accept(json) : reject(problems);
        }
        if (answer.delayMillis() > 0) {
            try {
                Thread.sleep(answer.delayMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        received.add(new Received(json, body, answer.status(), arrived));
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        } catch (IOException clientGone) {
            // the client timed out and closed the connection: the request still counts as received
        }
    }

    private Answer accept(JsonNode json) {
        return api == Api.SLACK
                ? new Answer(200, "ok", Map.of(), 0)
                : new Answer(
                        202,
                        "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":" + json.get("dedup_key")
                                + "}",
                        Map.of("Content-Type", "application/json"),
                        0);
    }

    private Answer reject(List<String> problems) {
        if (api == Api.SLACK) return new Answer(400, "invalid_blocks: " + String.join("; ", problems), Map.of(), 0);
        try {
            return new Answer(
                    400,
                    JSON.writeValueAsString(Map.of(
                            "status", "invalid event", "message", "Event object is invalid", "errors", problems)),
                    Map.of(),
                    0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    List<String> validate(JsonNode json) {
        return api == Api.SLACK ? validateSlack(json) : validatePagerDuty(json);
    }

    /** As Slack's incoming webhooks: text or blocks; at most 50 blocks of known types; their text limits. */
    static List<String> validateSlack(JsonNode m) {
        List<String> problems = new ArrayList<>();
        if (!m.isObject()) return List.of("payload must be an object");
        JsonNode text = m.get("text");
        JsonNode blocks = m.get("blocks");
        if (text == null && blocks == null) problems.add("no_text: text or blocks required");
        if (text != null && (!text.isTextual() || text.asText().isBlank()))
            problems.add("text must be a non-empty string");
        if (text != null && text.asText().length() > 40_000) problems.add("text longer than 40000");
        if (blocks != null) {
            if (!blocks.isArray()) return List.of("blocks must be an array");
            if (blocks.size() > 50) problems.add("more than 50 blocks");
            for (JsonNode b : blocks) {
                String type = b.path("type").asText();
                if (!SLACK_BLOCKS.contains(type)) problems.add("unknown block type '" + type + "'");
                switch (type) {
                    case "header" -> textObject(b.get("text"), "plain_text", 150, "header.text", problems);
                    case "section" -> textObject(b.get("text"), null, 3000, "section.text", problems);
                    case "context" -> {
                        JsonNode elements = b.get("elements");
                        if (elements == null || !elements.isArray() || elements.isEmpty() || elements.size() > 10) {
                            problems.add("context.elements must be an array of 1 to 10");
                        } else {
                            elements.forEach(e -> textObject(e, null, 3000, "context.element", problems));
                        }
                    }
                    default -> {}
                }
            }
        }
        return problems;
    }

    private static void textObject(JsonNode t, String requiredType, int max, String where, List<String> problems) {
        if (t == null || !t.isObject()) {
            problems.add(where + " must be a text object");
            return;
        }
        String type = t.path("type").asText();
        if (requiredType != null ? !type.equals(requiredType) : !type.equals("plain_text") && !type.equals("mrkdwn")) {
            problems.add(where + ".type '" + type + "' not allowed");
        }
        JsonNode text = t.get("text");
        if (text == null || !text.isTextual() || text.asText().isEmpty())
            problems.add(where + ".text must be a non-empty string");
        else if (text.asText().length() > max) problems.add(where + ".text longer than " + max);
    }

    /** As PagerDuty's Events API v2 (https://developer.pagerduty.com/api-reference/368ae3d938c9e-send-an-event-to-pager-duty). */
    static List<String> validatePagerDuty(JsonNode e) {
        List<String> problems = new ArrayList<>();
        if (!e.isObject()) return List.of("event must be an object");
        if (!e.path("routing_key").isTextual() || e.path("routing_key").asText().length() != 32) {
            problems.add("routing_key must be a 32-character string");
        }
        String action = e.path("event_action").asText("");
        if (!PD_ACTIONS.contains(action)) problems.add("event_action must be trigger, acknowledge or resolve");
        JsonNode dedup = e.get("dedup_key");
        if (dedup != null
                && (!dedup.isTextual()
                        || dedup.asText().isEmpty()
                        || dedup.asText().length() > 255)) {
            problems.add("dedup_key must be a string of 1 to 255 characters");
        }
        if (!action.equals("trigger") && dedup == null) problems.add("dedup_key is required to " + action);
        if (action.equals("trigger")) {
            JsonNode p = e.get("payload");
            if (p == null || !p.isObject()) {
                problems.add("payload is required to trigger");
            } else {
                if (!p.path("summary").isTextual()
                        || p.path("summary").asText().isEmpty()
                        || p.path("summary").asText().length() > 1024) {
                    problems.add("payload.summary must be a string of 1 to 1024 characters");
                }
                if (!p.path("source").isTextual() || p.path("source").asText().isEmpty())
                    problems.add("payload.source is required");
                if (!PD_SEVERITIES.contains(p.path("severity").asText(""))) {
                    problems.add("payload.severity must be critical, error, warning or info");
                }
                if (p.has("timestamp")) {
                    try {
                        Instant.parse(p.get("timestamp").asText());
                    } catch (DateTimeParseException x) {
                        problems.add("payload.timestamp must be ISO 8601");
                    }
                }
                for (String field : List.of("component", "group", "class")) {
                    if (p.has(field) && !p.get(field).isTextual())
                        problems.add("payload." + field + " must be a string");
                }
                if (p.has("custom_details") && !p.get("custom_details").isObject())
                    problems.add("payload.custom_details must be an object");
            }
        }
        if (e.has("links")) {
            for (Iterator<JsonNode> it = e.get("links").elements(); it.hasNext(); ) {
                if (!it.next().path("href").isTextual()) problems.add("links[].href must be a string");
            }
        }
        return problems;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
