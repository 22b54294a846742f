package io.streamwatch.nab;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;

/** NAB timestamps: {@code YYYY-MM-DD HH:MM:SS}, in the windows file with a {@code .ffffff} suffix. */
final class NabTime {

    private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .optionalEnd()
            .toFormatter();

    private NabTime() {}

    /** Epoch millis, reading the (zone-less) NAB timestamp as UTC. */
    static long parseMillis(String text) {
        return LocalDateTime.parse(text.trim(), FORMAT)
                .toInstant(ZoneOffset.UTC)
                .toEpochMilli();
    }
}
