package io.streamwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.model.DeadLetter;
import io.streamwatch.model.DeadLetter.ErrorCode;
import io.streamwatch.model.Event;
import io.streamwatch.model.Ingested;
import io.streamwatch.model.SafeText;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventParserTest {
    private static final long NOW = Instant.parse("2024-05-01T12:00:00Z").toEpochMilli();
    private final EventParser parser = new EventParser(ContractSettings.defaults());

    private Ingested parse(String json) {
        return parser.parse(
                "metrics", 1, 42L, 1_000L, json == null ? null : json.getBytes(StandardCharsets.UTF_8), NOW);
    }

    @Test
    void parsesACompleteEventWithLineage() {
        Ingested r = parse("""
                {"event_id":"e-1","series_key":"cpu.host1","event_time":"2024-05-01T11:59:00+02:00",
                 "value":42.5,"source":"agent","unit":"%","attributes":{"dc":"eu-1"},"extra":"ignored"}""");
        assertThat(r.isValid()).isTrue();
        Event e = r.event;
        assertThat(e.eventId).isEqualTo("e-1");
        assertThat(e.seriesKey).isEqualTo("cpu.host1");
        assertThat(e.eventTime).isEqualTo(Instant.parse("2024-05-01T09:59:00Z").toEpochMilli());
        assertThat(e.value).isEqualTo(42.5);
        assertThat(e.source).isEqualTo("agent");
        assertThat(e.unit).isEqualTo("%");
        assertThat(e.attributes).containsExactly(Map.entry("dc", "eu-1"));
        assertThat(e.topic).isEqualTo("metrics");
        assertThat(e.partition).isEqualTo(1);
        assertThat(e.offset).isEqualTo(42L);
    }

    @Test
    void acceptsEpochMillisAndLeavesOptionalFieldsEmpty() {
        Ingested r = parse("{\"event_id\":\"e\",\"series_key\":\"s\",\"event_time\":" + (NOW - 5) + ",\"value\":-3}");
        assertThat(r.isValid()).isTrue();
        assertThat(r.event.eventTime).isEqualTo(NOW - 5);
        assertThat(r.event.value).isEqualTo(-3.0);
        assertThat(r.event.source).isNull();
        assertThat(r.event.attributes).isEmpty();
    }

    @Test
    void keepsSqlLookingStringsVerbatim() {
        String key = "x'); DROP TABLE window_aggregates; --";
        Ingested r =
                parse("{\"event_id\":\"e\",\"series_key\":\"" + key + "\",\"event_time\":" + NOW + ",\"value\":1}");
        assertThat(r.event.seriesKey).isEqualTo(key);
    }

    static Stream<Arguments> badRecords() {
        String ok = "\"event_id\":\"e\",\"series_key\":\"s\",\"event_time\":" + NOW;
        return Stream.of(
                Arguments.of("empty", "", ErrorCode.EMPTY_PAYLOAD, "no value"),
                Arguments.of("not json", "{oops", ErrorCode.MALFORMED_JSON, "not valid JSON"),
                Arguments.of(
                        "trailing garbage", "{" + ok + ",\"value\":1} x", ErrorCode.MALFORMED_JSON, "not valid JSON"),
                Arguments.of("NaN literal", "{" + ok + ",\"value\":NaN}", ErrorCode.MALFORMED_JSON, "NaN"),
                Arguments.of("array", "[1,2]", ErrorCode.NOT_AN_OBJECT, "expected a JSON object"),
                Arguments.of(
                        "no id",
                        "{\"series_key\":\"s\",\"event_time\":" + NOW + ",\"value\":1}",
                        ErrorCode.MISSING_FIELD,
                        "'event_id'"),
                Arguments.of("null value", "{" + ok + ",\"value\":null}", ErrorCode.MISSING_FIELD, "'value'"),
                Arguments.of(
                        "string value", "{" + ok + ",\"value\":\"12\"}", ErrorCode.WRONG_TYPE, "must be a JSON number"),
                Arguments.of("huge number", "{" + ok + ",\"value\":1e999}", ErrorCode.NON_FINITE_VALUE, "finite"),
                Arguments.of(
                        "numeric id",
                        "{\"event_id\":7,\"series_key\":\"s\",\"event_time\":" + NOW + ",\"value\":1}",
                        ErrorCode.WRONG_TYPE,
                        "must be a string"),
                Arguments.of(
                        "time without offset",
                        "{\"event_id\":\"e\",\"series_key\":\"s\",\"event_time\":\"2024-05-01T11:00:00\",\"value\":1}",
                        ErrorCode.INVALID_EVENT_TIME,
                        "offset"),
                Arguments.of(
                        "fractional epoch",
                        "{\"event_id\":\"e\",\"series_key\":\"s\",\"event_time\":1.5,\"value\":1}",
                        ErrorCode.INVALID_EVENT_TIME,
                        "epoch milliseconds"),
                Arguments.of(
                        "clock skew",
                        "{\"event_id\":\"e\",\"series_key\":\"s\",\"event_time\":"
                                + (NOW + Duration.ofHours(1).toMillis()) + ",\"value\":1}",
                        ErrorCode.EVENT_TIME_IN_FUTURE,
                        "ahead of the clock"),
                Arguments.of(
                        "epoch seconds",
                        "{\"event_id\":\"e\",\"series_key\":\"s\",\"event_time\":" + NOW / 1000 + ",\"value\":1}",
                        ErrorCode.EVENT_TIME_TOO_OLD,
                        "epoch seconds"),
                Arguments.of(
                        "long key",
                        "{\"event_id\":\"e\",\"series_key\":\"" + "k".repeat(300) + "\",\"event_time\":" + NOW
                                + ",\"value\":1}",
                        ErrorCode.KEY_TOO_LONG,
                        "max-key-length"),
                Arguments.of(
                        "attribute not string",
                        "{" + ok + ",\"value\":1,\"attributes\":{\"a\":1}}",
                        ErrorCode.INVALID_ATTRIBUTES,
                        "'a' must be a string"),
                Arguments.of(
                        "duplicate key",
                        "{" + ok + ",\"value\":1,\"value\":2}",
                        ErrorCode.MALFORMED_JSON,
                        "Duplicate field"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRecords")
    void turnsEveryBadRecordIntoADeadLetterWithItsReasonAndRawBytes(
            String name, String json, ErrorCode code, String reason) {
        Ingested r = parse(json);
        assertThat(r.isValid()).isFalse();
        DeadLetter d = r.deadLetter;
        assertThat(d.errorCode).isEqualTo(code);
        assertThat(d.message).contains(reason);
        assertThat(d.payload).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
        assertThat(d.topic).isEqualTo("metrics");
        assertThat(d.partition).isEqualTo(1);
        assertThat(d.offset).isEqualTo(42L);
        assertThat(d.kafkaTimestamp).isEqualTo(1_000L);
    }

    @Test
    void tombstoneBecomesADeadLetterWithAnEmptyPayload() {
        Ingested r = parse(null);
        assertThat(r.deadLetter.errorCode).isEqualTo(ErrorCode.EMPTY_PAYLOAD);
        assertThat(r.deadLetter.payload).isEmpty();
    }

    @Test
    void refusesOversizedRecordsBeforeParsingThem() {
        ContractSettings small = new ContractSettings(
                100,
                256,
                64,
                ContractSettings.DEFAULT_MAX_ABS_VALUE,
                Duration.ofMinutes(5),
                Instant.parse("2000-01-01T00:00:00Z"),
                false,
                FieldNames.DEFAULT,
                Map.of());
        byte[] big = ("{\"event_id\":\"" + "x".repeat(200) + "\"}").getBytes(StandardCharsets.UTF_8);
        Ingested r = new EventParser(small).parse("t", 0, 0, 0, big, NOW);
        assertThat(r.deadLetter.errorCode).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
        assertThat(r.deadLetter.message).contains("max-record-bytes").contains("100");
        assertThat(r.deadLetter.payload).isEqualTo(big);
    }

    @Test
    void invalidUtf8IsKeptByteForByte() {
        byte[] bytes = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        Ingested r = parser.parse("t", 0, 0, 0, bytes, NOW);
        assertThat(r.isValid()).isFalse();
        assertThat(r.deadLetter.payload).isEqualTo(bytes);
    }

    @Test
    void readsPerTopicFieldNames() {
        FieldNames legacy = new FieldNames("id", "host", "ts", "v", "src", "u", "tags");
        ContractSettings contract = new ContractSettings(
                1 << 20,
                256,
                64,
                ContractSettings.DEFAULT_MAX_ABS_VALUE,
                Duration.ofMinutes(5),
                Instant.parse("2000-01-01T00:00:00Z"),
                false,
                FieldNames.DEFAULT,
                Map.of("legacy", legacy));
        EventParser p = new EventParser(contract);
        byte[] json = ("{\"id\":\"1\",\"host\":\"h\",\"ts\":" + NOW + ",\"v\":2,\"tags\":{\"a\":\"b\"}}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(p.parse("legacy", 0, 0, 0, json, NOW).event.seriesKey).isEqualTo("h");
        assertThat(p.parse("other", 0, 0, 0, json, NOW).deadLetter.errorCode).isEqualTo(ErrorCode.MISSING_FIELD);
    }

    @Test
    void unknownFieldsAreRejectedOnlyWhenConfigured() {
        ContractSettings strict = new ContractSettings(
                1 << 20,
                256,
                64,
                ContractSettings.DEFAULT_MAX_ABS_VALUE,
                Duration.ofMinutes(5),
                Instant.parse("2000-01-01T00:00:00Z"),
                true,
                FieldNames.DEFAULT,
                Map.of());
        byte[] json = ("{\"event_id\":\"e\",\"series_key\":\"s\",\"event_time\":" + NOW
                        + ",\"value\":1,\"colour\":\"red\"}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(parser.parse("t", 0, 0, 0, json, NOW).isValid()).isTrue();
        DeadLetter d = new EventParser(strict).parse("t", 0, 0, 0, json, NOW).deadLetter;
        assertThat(d.errorCode).isEqualTo(ErrorCode.UNKNOWN_FIELD);
        assertThat(d.message).contains("'colour'");
    }

    private static byte[] withSeriesKeyAndValue(String seriesKeyJson, String valueJson) {
        return ("{\"event_id\":\"e\",\"series_key\":" + seriesKeyJson + ",\"event_time\":" + NOW + ",\"value\":"
                        + valueJson + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyValueWithinTheContractRangeIsKeptExactly() {
        for (String v : new String[] {"4.9e-324", "-4.9e-324", "2.2250738585072014e-308", "-0.0", "1e100", "-1e100"}) {
            Ingested r = parser.parse("t", 0, 0, 0, withSeriesKeyAndValue("\"s\"", v), NOW);
            assertThat(r.isValid()).as(v).isTrue();
            assertThat(Double.compare(r.event.value, Double.parseDouble(v)))
                    .as(v)
                    .isZero();
        }
    }

    @Test
    void valuesBeyondTheContractRangeAreRefusedWithTheirOwnCode() {
        for (String v : new String[] {"1.7976931348623157e308", "-1.7976931348623157e308", "1.0000000000000001e101"}) {
            DeadLetter d = parser.parse("t", 0, 0, 0, withSeriesKeyAndValue("\"s\"", v), NOW).deadLetter;
            assertThat(d.errorCode).as(v).isEqualTo(ErrorCode.VALUE_OUT_OF_RANGE);
            assertThat(d.message).contains("contract.max-abs-value");
        }
    }

    @Test
    void controlCharactersAndUnpairedSurrogatesAreRefusedNotAltered() {
        for (String key :
                new String[] {"\"a\\u0000b\"", "\"a\\ud800\"", "\"\\udc00z\"", "\"tab\\there\"", "\"c1\\u0085\""}) {
            DeadLetter d = parser.parse("t", 0, 0, 0, withSeriesKeyAndValue(key, "1"), NOW).deadLetter;
            assertThat(d).as(key).isNotNull();
            assertThat(d.errorCode).as(key).isEqualTo(ErrorCode.INVALID_TEXT);
            assertThat(d.message).contains("series_key").contains("U+");
            assertThat(SafeText.isPlain(d.message))
                    .as("the message itself is storable")
                    .isTrue();
        }
        byte[] attribute = ("{\"event_id\":\"e\",\"series_key\":\"s\",\"event_time\":" + NOW
                        + ",\"value\":1,\"attributes\":{\"k\":\"v\\u0000\"}}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(parser.parse("t", 0, 0, 0, attribute, NOW).deadLetter.errorCode)
                .isEqualTo(ErrorCode.INVALID_TEXT);
    }

    @Test
    void textFromEveryPlaneIsKeptExactly() {
        String key = "caf\u00e9-\u4e2d-\ud83d\ude00-\udbff\udfff-\ufffd";
        Ingested r = parser.parse("t", 0, 0, 0, withSeriesKeyAndValue("\"" + key + "\"", "1"), NOW);
        assertThat(r.isValid()).isTrue();
        assertThat(r.event.seriesKey).isEqualTo("caf\u00e9-\u4e2d-\ud83d\ude00-\udbff\udfff-\ufffd");
    }
}
