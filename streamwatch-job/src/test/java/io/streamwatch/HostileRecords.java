package io.streamwatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamwatch.model.DeadLetter.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Generates Kafka records for the hostile-input test, biased to edge cases as property-based
 * generators are: valid events whose content is legal but extreme (every Unicode plane, subnormal and huge
 * values, -0.0, 64 attributes, event times at the contract's edges and in every format), exact
 * duplicates on other partitions, and records that break the contract in exactly one way, each
 * with the code the job must give it. Everything is drawn from one seeded {@link Random}, so a
 * seed reproduces a run.
 */
final class HostileRecords {
    static final long T0 = Instant.parse("2024-05-01T00:00:00Z").toEpochMilli();
    static final long EARLIEST = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();
    static final int MAX_RECORD_BYTES = 32_768;
    static final double LARGE_VALUE_ALERT = 1e50;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One generated record: where it goes, its bytes, and what the job must do with it. */
    record Generated(int partition, byte[] payload, ErrorCode expectedCode, Valid valid) {
        boolean isValid() {
            return expectedCode == null;
        }
    }

    /** What a valid record holds, to check what the job stored. */
    record Valid(String eventId, String seriesKey, long eventTime, double value, boolean duplicate) {}

    private final Random random;
    private final int partitions;
    private final long now;
    private final List<String> seriesKeys = new ArrayList<>();
    private final List<Generated> valid = new ArrayList<>();
    private int validCount;

    HostileRecords(long seed, int partitions, long now) {
        this.random = new Random(seed);
        this.partitions = partitions;
        this.now = now;
        // all planes, surrogate pairs included; no control characters (the contract refuses those)
        for (int i = 0; i < 40; i++) seriesKeys.add(text());
        seriesKeys.add("plain-series");
    }

    /** {@code count} records, plus duplicates among them (about 5 %). */
    List<Generated> generate(int count) {
        List<Generated> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int kind = random.nextInt(100);
            if (kind < 60) {
                out.add(validEvent(i));
            } else if (kind < 65 && !valid.isEmpty()) {
                Generated original = valid.get(random.nextInt(valid.size()));
                Valid v = original.valid();
                out.add(new Generated(
                        random.nextInt(partitions),
                        original.payload(),
                        null,
                        new Valid(v.eventId(), v.seriesKey(), v.eventTime(), v.value(), true)));
            } else {
                out.add(invalid(i));
            }
        }
        return out;
    }

    private Generated validEvent(int i) {
        String series = seriesKeys.get(random.nextInt(seriesKeys.size()));
        String id = text() + "#" + (validCount++);
        long time = eventTime(i);
        double value = value();
        Map<String, Object> e = base(id, series, time, value);
        if (random.nextInt(4) == 0) e.put("source", text());
        if (random.nextInt(4) == 0) e.put("unit", text());
        if (random.nextInt(5) == 0) {
            e.put("attributes", attributes(random.nextInt(8) == 0 ? 64 : random.nextInt(6), this::text));
        }
        byte[] payload = bytes(e);
        if (payload.length > MAX_RECORD_BYTES) { // 64 long attributes: keep the record, fewer entries
            e.put("attributes", attributes(3, this::text));
            payload = bytes(e);
        }
        Generated g =
                new Generated(random.nextInt(partitions), payload, null, new Valid(id, series, time, value, false));
        valid.add(g);
        return g;
    }

    /**
     * Mostly in order within the out-of-orderness (2 s of jitter, 5 s allowed), some late within and
     * beyond the allowed lateness, some at the contract's edges: its earliest instant, just behind
     * the wall clock.
     */
    private long eventTime(int i) {
        long onTime = T0 + i * 100L + random.nextInt(4_000) - 2_000;
        int edge = random.nextInt(200);
        if (edge == 0) return EARLIEST;
        if (edge == 1) return now - 60_000;
        if (edge < 5) return onTime - 30_000; // late, within the allowed minute
        if (edge < 9) return onTime - 600_000; // late beyond it
        return Math.max(EARLIEST, onTime);
    }

    private Object timeField(long millis) {
        return switch (random.nextInt(4)) {
            case 0 -> millis;
            case 1 -> Instant.ofEpochMilli(millis).toString();
            case 2 ->
                Instant.ofEpochMilli(millis).atOffset(ZoneOffset.ofHours(14)).toString();
            default ->
                Instant.ofEpochMilli(millis)
                        .atOffset(ZoneOffset.ofHoursMinutes(-9, -30))
                        .toString();
        };
    }

    private Map<String, Object> base(String id, String series, long time, double value) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("event_id", id);
        e.put("series_key", series);
        e.put("event_time", timeField(time));
        e.put("value", value);
        return e;
    }

    private Map<String, String> attributes(int n, Supplier<String> strings) {
        Map<String, String> a = new LinkedHashMap<>();
        while (a.size() < n) a.put(strings.get() + a.size(), strings.get());
        return a;
    }

    private Generated invalid(int i) {
        Map<String, Object> e = base(plainAscii(), seriesKeys.get(0), T0 + i * 100L, 1.0);
        ErrorCode code = ErrorCode.values()[random.nextInt(ErrorCode.values().length)];
        byte[] payload;
        switch (code) {
            case EMPTY_PAYLOAD -> payload = random.nextBoolean() ? null : new byte[0];
            case PAYLOAD_TOO_LARGE -> {
                e.put("padding", "x".repeat(MAX_RECORD_BYTES));
                payload = bytes(e);
            }
            case MALFORMED_JSON -> payload = malformed(bytes(e));
            case NOT_AN_OBJECT ->
                payload = utf8(List.of(
                                "[1,2,3]",
                                "42",
                                "\"a string\"",
                                "true",
                                "[" + new String(bytes(e), StandardCharsets.UTF_8) + "]")
                        .get(random.nextInt(5)));
            case MISSING_FIELD -> {
                String field =
                        List.of("event_id", "series_key", "event_time", "value").get(random.nextInt(4));
                if (random.nextBoolean() && !field.equals("event_time") && !field.equals("value")) e.put(field, "   ");
                else e.remove(field);
                payload = bytes(e);
            }
            case WRONG_TYPE -> {
                if (random.nextBoolean()) e.put("value", "12.5");
                else e.put("series_key", 7);
                payload = bytes(e);
            }
            case NON_FINITE_VALUE -> payload = replaceValue(e, random.nextBoolean() ? "1e400" : "-2e308");
            case VALUE_OUT_OF_RANGE ->
                payload = replaceValue(e, random.nextBoolean() ? "1.7976931348623157e308" : "-1.5e101");
            case INVALID_EVENT_TIME -> {
                e.put(
                        "event_time",
                        List.of("yesterday", "2024-05-01T00:00:00", 1.5, "2024-13-01T00:00:00Z")
                                .get(random.nextInt(4)));
                payload = bytes(e);
            }
            case EVENT_TIME_IN_FUTURE -> {
                e.put("event_time", timeField(now + 3_600_000L + random.nextInt(1_000_000)));
                payload = bytes(e);
            }
            case EVENT_TIME_TOO_OLD -> {
                e.put("event_time", random.nextBoolean() ? EARLIEST - 1 : T0 / 1000); // epoch seconds by mistake
                payload = bytes(e);
            }
            case KEY_TOO_LONG -> {
                e.put(random.nextBoolean() ? "event_id" : "unit", "k".repeat(257));
                payload = bytes(e);
            }
            case INVALID_TEXT -> payload = withBadText(e);
            case INVALID_ATTRIBUTES -> {
                e.put("attributes", random.nextBoolean() ? attributes(65, this::plainAscii) : Map.of("n", 1));
                payload = bytes(e);
            }
            default -> {
                // codes no record can earn at the contract (UNKNOWN_FIELD is off here, the rest are stages')
                return invalid(i);
            }
        }
        return new Generated(random.nextInt(partitions), payload, code, null);
    }

    private byte[] malformed(byte[] json) {
        String s = new String(json, StandardCharsets.UTF_8);
        return switch (random.nextInt(7)) {
            case 0 -> utf8(s.substring(0, 1 + random.nextInt(s.length() - 1)));
            case 1 -> new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
            case 2 -> utf8(s.replaceFirst("\"value\":[^,}]*", "\"value\":NaN"));
            case 3 -> utf8(s.replace("}", ",\"value\":2}"));
            case 4 -> utf8(s + " trailing");
            case 5 -> utf8("{\"a\":" + "[".repeat(2_000) + "]".repeat(2_000) + "}");
            default -> {
                byte[] noise = new byte[1 + random.nextInt(64)];
                random.nextBytes(noise);
                noise[0] = '{';
                yield noise;
            }
        };
    }

    /** A JSON text whose key holds a control character or an unpaired surrogate, written as an escape. */
    private byte[] withBadText(Map<String, Object> e) {
        String bad = random.nextBoolean()
                ? String.format(Locale.ROOT, "\\u%04x", (int) control())
                : (random.nextBoolean() ? "\\ud800" : "\\udfff");
        String field = List.of("event_id", "series_key", "source").get(random.nextInt(3));
        e.put(field, "before-PLACEHOLDER-after");
        return utf8(new String(bytes(e), StandardCharsets.UTF_8).replace("PLACEHOLDER", bad));
    }

    private static byte[] replaceValue(Map<String, Object> e, String literal) {
        e.put("value", 0.0);
        return utf8(new String(bytes(e), StandardCharsets.UTF_8).replace("\"value\":0.0", "\"value\":" + literal));
    }

    /** Values at the edges of the contract's range, or drawn across it at every scale. */
    private static final double[] EDGE_VALUES = {
        Double.MIN_VALUE,
        -Double.MIN_VALUE,
        Double.MIN_NORMAL,
        -Double.MIN_NORMAL,
        -0.0,
        0.0,
        1e100,
        -1e100,
        9.999999999999999e99,
        1e-300,
        1.0,
        -1.0,
        Math.PI,
        0.1
    };

    private double value() {
        return switch (random.nextInt(10)) {
            case 0, 1 -> EDGE_VALUES[random.nextInt(EDGE_VALUES.length)];
            case 2, 3 -> (random.nextBoolean() ? 1 : -1) * Math.pow(10, random.nextDouble() * 200 - 100);
            default -> (random.nextDouble() - 0.5) * 2e6;
        };
    }

    /**
     * 1 to 20 code points from every plane (a quarter beyond the BMP, as surrogate pairs), none a
     * control character or a lone surrogate; sometimes a fixed edge case (combining marks, U+FFFD,
     * noncharacters, bidi controls, the highest code point).
     */
    private String text() {
        if (random.nextInt(10) == 0) return EDGE_TEXT[random.nextInt(EDGE_TEXT.length)];
        StringBuilder s = new StringBuilder();
        int n = 1 + random.nextInt(20);
        while (s.codePointCount(0, s.length()) < n) {
            int cp = random.nextInt(4) == 0
                    ? 0x10000 + random.nextInt(Character.MAX_CODE_POINT - 0xFFFF)
                    : 0x20 + random.nextInt(0xFFFF - 0x1F);
            if (Character.isISOControl(cp) || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE))
                continue;
            s.appendCodePoint(cp);
        }
        return s.toString().isBlank() ? "x" + s : s.toString();
    }

    private static final String[] EDGE_TEXT = {
        "e\u0301",
        "\uFFFD",
        "\uFFFE\uFFFF",
        "\u202Eevil",
        "\uDBFF\uDFFF",
        "\uD83D\uDE00",
        "'; DROP TABLE x; --",
        "\\\"quoted\\\"",
        " leading and trailing ",
        "\u00A0nbsp"
    };

    private String plainAscii() {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder s = new StringBuilder();
        for (int i = 1 + random.nextInt(12); i > 0; i--) s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        return s.toString();
    }

    /** A C0 or C1 control character, U+0000 included. */
    private char control() {
        int c = random.nextInt(65);
        return (char) (c < 32 ? c : c == 32 ? 0x7F : 0x80 + (c - 33));
    }

    private static byte[] bytes(Map<String, Object> e) {
        try {
            return JSON.writeValueAsBytes(e);
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
