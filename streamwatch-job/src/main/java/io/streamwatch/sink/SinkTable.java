package io.streamwatch.sink;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A table as one sink statement sees it: the natural key its upsert conflicts on, the columns it
 * binds (key first, in bind order) and the column it stamps with the database's now(). The
 * statements are generated from it and the preflight check reads it, so they cannot drift apart.
 * Writers outside this package declare their tables with it so that the preflight covers them too.
 */
public record SinkTable(String name, List<String> key, List<String> values, String stamp) {

    /** Every column the statement names. */
    List<String> columns() {
        return Stream.of(key, values, List.of(stamp)).flatMap(List::stream).toList();
    }

    /** {@code INSERT ... VALUES (?, ..., now()) ON CONFLICT (key) }, to be followed by the action. */
    String insertOnConflict() {
        String placeholders = Stream.concat(
                        Stream.generate(() -> "?").limit(key.size() + values.size()), Stream.of("now()"))
                .collect(Collectors.joining(", "));
        return "INSERT INTO " + name + " (" + String.join(", ", columns()) + ") VALUES (" + placeholders
                + ") ON CONFLICT (" + String.join(", ", key) + ") ";
    }
}
