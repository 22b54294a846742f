package io.streamwatch.local;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a refused record is changed before it is re-published: fields of its JSON object renamed
 * ({@code --rename FROM=TO}), then values converted ({@code --fix FIELD=CONVERSION}). Only
 * top-level fields; everything else stays as it was, numbers digit for digit. Without renames and
 * fixes a record is re-published byte for byte.
 */
record FieldMapping(List<Rename> renames, List<Fix> fixes) {

    record Rename(String from, String to) {
        @Override
        public String toString() {
            return "rename " + from + "=" + to;
        }
    }

    record Fix(String field, Conversion conversion) {
        @Override
        public String toString() {
            return "fix " + field + "=" + conversion.configName();
        }
    }

    /** What a fix does to a value. */
    enum Conversion {
        /** A string holding a number becomes that number: {@code "12.5"} to {@code 12.5}. */
        NUMBER,
        /** A number or boolean becomes its text: {@code 42} to {@code "42"}. */
        STRING,
        /** Whole or fractional epoch seconds become epoch milliseconds: {@code 1714521600} to {@code 1714521600000}. */
        EPOCH_SECONDS;

        String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static String names() {
            return Arrays.stream(values()).map(Conversion::configName).collect(Collectors.joining(", "));
        }
    }

    /** Why one record could not be mapped; the record is then not re-published. */
    static final class NotMappable extends Exception {
        private static final long serialVersionUID = 1L;

        NotMappable(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    static final FieldMapping NONE = new FieldMapping(List.of(), List.of());

    FieldMapping {
        renames = List.copyOf(renames);
        fixes = List.copyOf(fixes);
    }

    /**
     * @param renames {@code FROM=TO} each
     * @param fixes {@code FIELD=CONVERSION} each
     * @throws LauncherException naming the flag and its form when one is not valid
     */
    static FieldMapping parse(List<String> renames, List<String> fixes) {
        List<Rename> r = new ArrayList<>();
        for (String spec : renames) {
            String[] parts = pair(spec, "--rename", "FROM=TO, such as id=event_id");
            r.add(new Rename(parts[0], parts[1]));
        }
        List<Fix> f = new ArrayList<>();
        for (String spec : fixes) {
            String allowed = "FIELD=CONVERSION with CONVERSION one of " + Conversion.names() + ", such as value=number";
            String[] parts = pair(spec, "--fix", allowed);
            try {
                f.add(new Fix(
                        parts[0],
                        Conversion.valueOf(parts[1].toUpperCase(Locale.ROOT).replace('-', '_'))));
            } catch (IllegalArgumentException e) {
                throw new LauncherException("--fix '" + spec + "' is not valid; expected " + allowed);
            }
        }
        return new FieldMapping(r, f);
    }

    private static String[] pair(String spec, String flag, String allowed) {
        int eq = spec.indexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) {
            throw new LauncherException(flag + " '" + spec + "' is not valid; expected " + allowed);
        }
        return new String[] {
            spec.substring(0, eq).strip(), spec.substring(eq + 1).strip()
        };
    }

    boolean isIdentity() {
        return renames.isEmpty() && fixes.isEmpty();
    }

    /** {@code rename id=event_id; fix value=number}, or null without a mapping: stored with the replay. */
    String describe() {
        if (isIdentity()) return null;
        List<Object> steps = new ArrayList<>(renames);
        steps.addAll(fixes);
        return steps.stream().map(String::valueOf).collect(Collectors.joining("; "));
    }

    /** The payload as it will be re-published. */
    byte[] apply(byte[] payload) throws NotMappable {
        if (isIdentity()) return payload;
        JsonNode tree;
        try {
            tree = JSON.readTree(payload);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // Jackson's location suffix names an input source that says nothing here
            throw new NotMappable("not JSON, which a field mapping needs: "
                    + e.getOriginalMessage().replaceFirst("\\s*\\(start marker at \\[Source.*$", ""));
        } catch (IOException e) {
            throw new NotMappable("not JSON, which a field mapping needs: " + e.getMessage());
        }
        if (!(tree instanceof ObjectNode object))
            throw new NotMappable("not a JSON object, which a field mapping needs");
        for (Rename rename : renames) {
            if (!object.has(rename.from())) throw new NotMappable("has no field " + rename.from() + " to rename");
            if (object.has(rename.to())) {
                throw new NotMappable("has both " + rename.from() + " and " + rename.to() + "; not renamed");
            }
            // keep the field's place, so that the record reads as before
            ObjectNode renamed = JSON.createObjectNode();
            object.properties()
                    .forEach(e ->
                            renamed.set(e.getKey().equals(rename.from()) ? rename.to() : e.getKey(), e.getValue()));
            object.removeAll();
            object.setAll(renamed);
        }
        for (Fix fix : fixes) {
            JsonNode value = object.get(fix.field());
            if (value == null) throw new NotMappable("has no field " + fix.field() + " to fix");
            object.set(fix.field(), convert(fix, value));
        }
        try {
            return JSON.writeValueAsBytes(object);
        } catch (IOException e) {
            throw new NotMappable("cannot be written as JSON: " + e.getMessage());
        }
    }

    private static JsonNode convert(Fix fix, JsonNode value) throws NotMappable {
        JsonNodeFactory nodes = JSON.getNodeFactory();
        switch (fix.conversion()) {
            case NUMBER -> {
                if (value.isNumber()) return value;
                if (value.isTextual()) {
                    try {
                        return nodes.numberNode(new BigDecimal(value.textValue().strip()));
                    } catch (NumberFormatException e) {
                        // reported below
                    }
                }
                throw new NotMappable(fix.field() + ": " + value + " is not a number");
            }
            case STRING -> {
                if (value.isTextual()) return value;
                if (value.isNumber() || value.isBoolean()) return nodes.textNode(value.asText());
                throw new NotMappable(fix.field() + ": " + value + " is neither a number nor a boolean");
            }
            case EPOCH_SECONDS -> {
                BigDecimal seconds = value.isNumber()
                        ? value.decimalValue()
                        : value.isTextual() ? parseOrNull(value.textValue()) : null;
                if (seconds == null) throw new NotMappable(fix.field() + ": " + value + " is not a number of seconds");
                BigDecimal millis = seconds.movePointRight(3).stripTrailingZeros();
                if (millis.scale() > 0) {
                    throw new NotMappable(
                            fix.field() + ": " + value + " seconds is not a whole number of milliseconds");
                }
                return nodes.numberNode(millis.toBigIntegerExact());
            }
            default -> throw new IllegalStateException("unknown conversion " + fix.conversion());
        }
    }

    private static BigDecimal parseOrNull(String text) {
        try {
            return new BigDecimal(text.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return isIdentity() ? "byte for byte" : describe();
    }
}
