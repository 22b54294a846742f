package io.streamwatch.config;

import java.time.Duration;
import org.apache.flink.util.TimeUtils;

/**
 * The one duration grammar of Streamwatch, in the YAML file, in {@code --some.key value} overrides
 * and in every command's flags: Flink's ({@code 500ms}, {@code 30s}, {@code 5min}, {@code 2h},
 * {@code 1d}, a bare number of milliseconds) or ISO-8601 ({@code PT90S}).
 */
public final class Durations {
    public static final String EXAMPLES = "500ms, 30s, 5min, 2h, 1d";

    private Durations() {}

    /** @throws IllegalArgumentException naming what was expected */
    public static Duration parse(String text) {
        String s = text.trim();
        try {
            return s.startsWith("P") || s.startsWith("p") ? Duration.parse(s) : TimeUtils.parseDuration(s);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as " + EXAMPLES);
        }
    }

    /** The shortest exact form, as {@link #parse} reads it back: 90s, 5min, 1d. */
    public static String format(Duration d) {
        return TimeUtils.formatWithHighestUnit(d);
    }
}
