package io.streamwatch.config;

import io.streamwatch.model.Redaction;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Typed, validating access to a configuration tree flattened to dotted keys. Every getter records
 * the value in effect (for the start-up summary) and collects a problem instead of throwing, so a
 * user sees every mistake at once. {@link #finish()} also reports keys nobody asked for (typos).
 */
final class ConfigReader {
    private static final Pattern SECRET_KEY =
            Pattern.compile("(?i).*(password|secret|token|credential|sasl\\.jaas|ssl\\..*key).*");

    private final Map<String, Object> values;
    private final Set<String> consumed = new HashSet<>();
    private final List<String> problems;
    private final Map<String, String> effective;

    ConfigReader(Map<String, Object> flattened) {
        this(flattened, new ArrayList<>(), new TreeMap<>());
    }

    private ConfigReader(Map<String, Object> flattened, List<String> problems, Map<String, String> effective) {
        this.values = flattened;
        this.problems = problems;
        this.effective = effective;
    }

    /**
     * A reader for one entry of a list of mappings, its keys prefixed with {@code prefix}; it
     * reports into this reader's problems and effective configuration.
     */
    ConfigReader entry(String prefix, Map<String, Object> entry) {
        Map<String, Object> prefixed = new LinkedHashMap<>();
        flatten(entry).forEach((k, v) -> prefixed.put(prefix + "." + k, v));
        return new ConfigReader(prefixed, problems, effective);
    }

    /** Flattens nested maps into dotted keys; lists and scalars are leaves. */
    static Map<String, Object> flatten(Map<?, ?> tree) {
        Map<String, Object> out = new LinkedHashMap<>();
        flattenInto("", tree, out);
        return out;
    }

    private static void flattenInto(String prefix, Map<?, ?> tree, Map<String, Object> out) {
        for (Map.Entry<?, ?> e : tree.entrySet()) {
            String key = prefix + e.getKey();
            if (e.getValue() instanceof Map<?, ?> nested && !nested.isEmpty()) {
                flattenInto(key + ".", nested, out);
            } else {
                out.put(key, e.getValue());
            }
        }
    }

    void problem(String key, Object value, String allowed) {
        problems.add(key + ": " + (value == null ? "missing" : "'" + value + "' is not valid") + "; " + allowed);
    }

    /** A problem that concerns several keys together, explained in words. */
    void problem(String key, String explanation) {
        problems.add(key + ": " + explanation);
    }

    private Object raw(String key) {
        consumed.add(key);
        return values.get(key);
    }

    private void record(String key, Object value) {
        String shown = value == null
                ? ""
                : value instanceof Collection<?> c
                        ? c.stream().map(String::valueOf).collect(Collectors.joining(","))
                        : String.valueOf(value);
        boolean secret = SECRET_KEY.matcher(key).matches() && !key.endsWith("-env");
        effective.put(key, secret && !shown.isEmpty() ? "******" : Redaction.mask(shown));
    }

    private <T> T typed(String key, T defaultValue, String allowed, Function<String, T> parse) {
        Object v = raw(key);
        T result = defaultValue;
        if (v != null && !String.valueOf(v).isBlank()) {
            try {
                result = parse.apply(String.valueOf(v).trim());
            } catch (RuntimeException e) {
                problem(key, v, allowed);
            }
        }
        record(key, result);
        return result;
    }

    String string(String key, String defaultValue) {
        return typed(key, defaultValue, "expected a string", s -> s);
    }

    String requiredString(String key, String what) {
        String s = string(key, null);
        if (s == null) problem(key, null, "required: " + what);
        return s;
    }

    boolean bool(String key, boolean defaultValue) {
        return typed(key, defaultValue, "expected true or false", s -> {
            if (s.equalsIgnoreCase("true")) return true;
            if (s.equalsIgnoreCase("false")) return false;
            throw new IllegalArgumentException();
        });
    }

    long longIn(String key, long defaultValue, long min, long max) {
        String allowed = "expected a whole number from " + min + " to " + max;
        long v = typed(key, defaultValue, allowed, Long::parseLong);
        if (v < min || v > max) problem(key, v, allowed);
        return v;
    }

    int intIn(String key, int defaultValue, int min, int max) {
        return (int) longIn(key, defaultValue, min, max);
    }

    double doubleIn(String key, double defaultValue, double min, double max) {
        String allowed = "expected a number from " + min + " to " + max;
        double v = typed(key, defaultValue, allowed, Double::parseDouble);
        if (!(v >= min && v <= max)) problem(key, v, allowed);
        return v;
    }

    Duration duration(String key, Duration defaultValue, Duration min) {
        String allowed = "expected a duration of at least " + Durations.format(min) + ", such as " + Durations.EXAMPLES;
        Duration d = typed(key, defaultValue, allowed, Durations::parse);
        if (d != null && d.compareTo(min) < 0) problem(key, Durations.format(d), allowed);
        effective.put(key, d == null ? "" : Durations.format(d));
        return d;
    }

    Instant instant(String key, Instant defaultValue) {
        return typed(key, defaultValue, "expected an ISO-8601 instant such as 2024-01-31T00:00:00Z", s -> {
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e) {
                return java.time.OffsetDateTime.parse(s).toInstant();
            }
        });
    }

    <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
        String allowed = "expected one of "
                + Arrays.stream(type.getEnumConstants())
                        .map(ConfigReader::configName)
                        .collect(Collectors.joining(", "));
        E v = typed(
                key,
                defaultValue,
                allowed,
                s -> Enum.valueOf(type, s.toUpperCase(Locale.ROOT).replace('-', '_')));
        effective.put(key, v == null ? "" : configName(v));
        return v;
    }

    static String configName(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A list given as a YAML list or as a comma-separated string (the command-line form). */
    List<String> stringList(String key, List<String> defaultValue) {
        Object v = raw(key);
        List<String> result = defaultValue;
        if (v instanceof List<?> list) {
            result = list.stream().map(String::valueOf).map(String::trim).toList();
        } else if (v != null && !String.valueOf(v).isBlank()) {
            result = Arrays.stream(String.valueOf(v).split(","))
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .toList();
        }
        record(key, result);
        return result;
    }

    /** A list of maps (e.g. detectors); read each with {@link #entry}, which records and checks its keys. */
    List<Map<String, Object>> mapList(String key) {
        Object v = raw(key);
        List<Map<String, Object>> result = new ArrayList<>();
        if (!(v instanceof List<?> list)) {
            if (v != null) problem(key, v, "expected a list of mappings");
            return result;
        }
        for (Object item : list) {
            if (item instanceof Map<?, ?> m) {
                Map<String, Object> entry = new LinkedHashMap<>();
                m.forEach((k, val) -> entry.put(String.valueOf(k), val));
                result.add(entry);
            } else {
                problem(key, item, "each entry must be a mapping of settings");
            }
        }
        return result;
    }

    /** Free-form string settings below a prefix (e.g. Kafka client properties), consumed whole. */
    Map<String, String> stringMap(String prefix) {
        Map<String, String> result = new TreeMap<>();
        String p = prefix + ".";
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (e.getKey().startsWith(p) && e.getValue() != null) {
                consumed.add(e.getKey());
                result.put(e.getKey().substring(p.length()), String.valueOf(e.getValue()));
                record(e.getKey(), e.getValue());
            }
        }
        consumed.add(prefix);
        return result;
    }

    /** The configuration in effect, secrets masked: for the start-up log and the web UI. */
    Map<String, String> effective() {
        return effective;
    }

    /** Reports keys nobody asked for, with the closest known key as a hint. */
    void reportUnknownKeys() {
        for (String key : values.keySet()) {
            if (!consumed.contains(key)) {
                String hint = closest(key, consumed);
                problems.add(key + ": unknown setting" + (hint == null ? "" : "; did you mean " + hint + "?"));
            }
        }
    }

    /** Reports unknown keys, then throws if anything was wrong. */
    void finish() {
        reportUnknownKeys();
        if (!problems.isEmpty()) throw new ConfigException(problems);
    }

    private static String closest(String key, Set<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = levenshtein(key, c);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 4) ? best : null;
    }

    private static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
