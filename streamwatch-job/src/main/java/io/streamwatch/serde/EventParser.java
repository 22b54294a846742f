package io.streamwatch.serde;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.streamwatch.model.DeadLetter;
import io.streamwatch.model.DeadLetter.ErrorCode;
import io.streamwatch.model.Event;
import io.streamwatch.model.Ingested;
import io.streamwatch.model.SafeText;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns one record's bytes into a valid {@link Event} or a {@link DeadLetter} that says what was
 * wrong. Never throws: bad data must not fail the job. The contract is documented in the README
 * and in conf/event.schema.json.
 */
public final class EventParser implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int MAX_ECHO = 80;
    /** Parsing runs inside the Kafka source, so that per-partition watermarks see event time. */
    public static final String STAGE = "read-events";

    private final ContractSettings contract;
    private transient ObjectMapper mapper;

    public EventParser(ContractSettings contract) {
        this.contract = contract;
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            mapper = JsonMapper.builder()
                    // a key given twice is ambiguous: refuse it rather than guess which one wins
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .build();
        }
        return mapper;
    }

    /**
     * @param nowMillis the wall clock, for the future-skew check
     */
    public Ingested parse(
            String topic, int partition, long offset, long kafkaTimestamp, byte[] payload, long nowMillis) {
        try {
            Event event = toEvent(topic, payload, nowMillis);
            return Ingested.valid(event.withLineage(topic, partition, offset, kafkaTimestamp));
        } catch (ContractViolation v) {
            byte[] raw = payload == null ? new byte[0] : payload;
            return Ingested.invalid(
                    new DeadLetter(topic, partition, offset, kafkaTimestamp, raw, v.code, v.getMessage()));
        } catch (RuntimeException unexpected) {
            // a parser bug must still not lose the record nor fail the job
            DeadLetter d = new DeadLetter(
                    topic,
                    partition,
                    offset,
                    kafkaTimestamp,
                    payload == null ? new byte[0] : payload,
                    ErrorCode.PROCESSING_ERROR,
                    "unexpected error while parsing: " + SafeText.escape(String.valueOf(unexpected.getMessage())));
            d.stage = STAGE;
            d.exceptionClass = unexpected.getClass().getName();
            return Ingested.invalid(d);
        }
    }

    private Event toEvent(String topic, byte[] payload, long nowMillis) {
        if (payload == null || payload.length == 0) {
            throw new ContractViolation(ErrorCode.EMPTY_PAYLOAD, "record has no value (null or empty)");
        }
        if (payload.length > contract.maxRecordBytes()) {
            throw new ContractViolation(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    "record is " + payload.length + " bytes; the limit (contract.max-record-bytes) is "
                            + contract.maxRecordBytes());
        }
        JsonNode root;
        try {
            root = mapper().readTree(payload);
        } catch (JsonProcessingException e) {
            throw new ContractViolation(
                    ErrorCode.MALFORMED_JSON, "not valid JSON: " + SafeText.escape(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ContractViolation(ErrorCode.MALFORMED_JSON, "not valid JSON: " + SafeText.escape(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new ContractViolation(
                    ErrorCode.NOT_AN_OBJECT,
                    "expected a JSON object, got " + (root == null ? "nothing" : describe(root)));
        }
        FieldNames f = contract.fieldsFor(topic);
        if (contract.rejectUnknownFields()) {
            for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!f.all().contains(name)) {
                    throw new ContractViolation(
                            ErrorCode.UNKNOWN_FIELD,
                            "field '" + echo(name) + "' is not part of the contract (known: "
                                    + String.join(", ", f.all()) + ")");
                }
            }
        }
        Event e = new Event();
        e.eventId = requiredKey(root, f.eventId());
        e.seriesKey = requiredKey(root, f.seriesKey());
        e.eventTime = eventTime(root, f.eventTime(), nowMillis);
        e.value = value(root, f.value(), contract.maxAbsValue());
        e.source = optionalKey(root, f.source());
        e.unit = optionalKey(root, f.unit());
        e.attributes = attributes(root, f.attributes());
        return e;
    }

    private static JsonNode present(JsonNode root, String field) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? null : n;
    }

    private String requiredKey(JsonNode root, String field) {
        String s = optionalKey(root, field);
        if (s == null)
            throw new ContractViolation(ErrorCode.MISSING_FIELD, "required field '" + field + "' is missing");
        return s;
    }

    private String optionalKey(JsonNode root, String field) {
        JsonNode n = present(root, field);
        if (n == null) return null;
        if (!n.isTextual()) {
            throw new ContractViolation(
                    ErrorCode.WRONG_TYPE, "field '" + field + "' must be a string, got " + describe(n));
        }
        String s = n.textValue();
        if (s.isBlank()) throw new ContractViolation(ErrorCode.MISSING_FIELD, "field '" + field + "' is blank");
        if (s.length() > contract.maxKeyLength()) {
            throw new ContractViolation(
                    ErrorCode.KEY_TOO_LONG,
                    "field '" + field + "' is " + s.length() + " characters; the limit (contract.max-key-length) is "
                            + contract.maxKeyLength());
        }
        requirePlainText("field '" + field + "'", s);
        return s;
    }

    private long eventTime(JsonNode root, String field, long nowMillis) {
        JsonNode n = present(root, field);
        if (n == null)
            throw new ContractViolation(ErrorCode.MISSING_FIELD, "required field '" + field + "' is missing");
        long millis;
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            millis = n.longValue();
        } else if (n.isTextual()) {
            try {
                millis = OffsetDateTime.parse(n.textValue()).toInstant().toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException ex) {
                throw new ContractViolation(
                        ErrorCode.INVALID_EVENT_TIME,
                        "field '" + field
                                + "' must be ISO-8601 with an offset (e.g. 2024-05-01T12:00:00Z) or epoch milliseconds, got "
                                + describe(n));
            }
        } else {
            throw new ContractViolation(
                    ErrorCode.INVALID_EVENT_TIME,
                    "field '" + field + "' must be an ISO-8601 string with an offset or whole epoch milliseconds, got "
                            + describe(n));
        }
        long latest = nowMillis + contract.maxFutureSkew().toMillis();
        if (millis > latest) {
            throw new ContractViolation(
                    ErrorCode.EVENT_TIME_IN_FUTURE,
                    "event time " + Instant.ofEpochMilli(millis)
                            + " is more than " + contract.maxFutureSkew()
                            + " (contract.max-future-skew) ahead of the clock ("
                            + Instant.ofEpochMilli(nowMillis) + ")");
        }
        if (millis < contract.earliestEventTime().toEpochMilli()) {
            boolean looksLikeSeconds = millis > 100_000_000L && millis < 100_000_000_000L;
            throw new ContractViolation(
                    ErrorCode.EVENT_TIME_TOO_OLD,
                    "event time " + Instant.ofEpochMilli(millis)
                            + " is before " + contract.earliestEventTime() + " (contract.earliest-event-time)"
                            + (looksLikeSeconds
                                    ? "; it looks like epoch seconds, the contract wants milliseconds"
                                    : ""));
        }
        return millis;
    }

    private static double value(JsonNode root, String field, double maxAbsValue) {
        JsonNode n = present(root, field);
        if (n == null)
            throw new ContractViolation(ErrorCode.MISSING_FIELD, "required field '" + field + "' is missing");
        if (!n.isNumber()) {
            throw new ContractViolation(
                    ErrorCode.WRONG_TYPE, "field '" + field + "' must be a JSON number, got " + describe(n));
        }
        double v = n.doubleValue();
        if (!Double.isFinite(v)) {
            throw new ContractViolation(
                    ErrorCode.NON_FINITE_VALUE,
                    "field '" + field + "' is " + echo(n.asText()) + ", which is outside the range of a finite double");
        }
        if (Math.abs(v) > maxAbsValue) {
            throw new ContractViolation(
                    ErrorCode.VALUE_OUT_OF_RANGE,
                    "field '" + field + "' is " + v + "; its magnitude may be at most " + maxAbsValue
                            + " (contract.max-abs-value), so that window sums and variances stay finite");
        }
        return v;
    }

    private Map<String, String> attributes(JsonNode root, String field) {
        JsonNode n = present(root, field);
        if (n == null) return Map.of();
        if (!n.isObject()) {
            throw new ContractViolation(
                    ErrorCode.INVALID_ATTRIBUTES,
                    "field '" + field + "' must be an object of string values, got " + describe(n));
        }
        if (n.size() > contract.maxAttributes()) {
            throw new ContractViolation(
                    ErrorCode.INVALID_ATTRIBUTES,
                    "field '" + field + "' has " + n.size() + " entries; the limit (contract.max-attributes) is "
                            + contract.maxAttributes());
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> a = it.next();
            if (!a.getValue().isTextual()) {
                throw new ContractViolation(
                        ErrorCode.INVALID_ATTRIBUTES,
                        "attribute '" + echo(a.getKey()) + "' must be a string, got " + describe(a.getValue()));
            }
            if (a.getKey().length() > contract.maxKeyLength()) {
                throw new ContractViolation(
                        ErrorCode.INVALID_ATTRIBUTES,
                        "an attribute name is " + a.getKey().length()
                                + " characters; the limit (contract.max-key-length) is " + contract.maxKeyLength());
            }
            requirePlainText("attribute name '" + echo(a.getKey()) + "'", a.getKey());
            requirePlainText(
                    "attribute '" + echo(a.getKey()) + "'", a.getValue().textValue());
            out.put(a.getKey(), a.getValue().textValue());
        }
        return out;
    }

    /**
     * Refuses control characters and unpaired surrogates. Both are valid in JSON strings, but
     * PostgreSQL's text cannot hold NUL and UTF-8 cannot encode a lone surrogate: the driver would
     * store U+FFFD or '?' instead, so two different keys could silently become one.
     */
    private static void requirePlainText(String what, String s) {
        int i = SafeText.firstProblem(s);
        if (i < 0) return;
        char c = s.charAt(i);
        String kind = Character.isSurrogate(c)
                ? "the unpaired surrogate " + codePoint(c) + ", which no UTF-8 text can hold,"
                : "the control character " + codePoint(c);
        throw new ContractViolation(ErrorCode.INVALID_TEXT, what + " contains " + kind + " at index " + i);
    }

    private static String codePoint(char c) {
        return String.format("U+%04X", (int) c);
    }

    private static String describe(JsonNode n) {
        return n.getNodeType().name().toLowerCase() + " " + echo(n.toString());
    }

    /** Quotes at most a short prefix of user data, so messages stay readable. */
    private static String echo(String s) {
        return SafeText.escape(s.length() <= MAX_ECHO ? s : s.substring(0, MAX_ECHO) + "… (" + s.length() + " chars)");
    }

    private static final class ContractViolation extends RuntimeException {
        final ErrorCode code;

        ContractViolation(ErrorCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }
}
