package io.streamwatch.testing;

import io.streamwatch.testkit.TestDatabase;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the job wrote, row for row, without the columns that depend on timing (README, "What
 * is deterministic"): when a row was written or received, a window's revision (how many times it
 * was written, which depends on whether its late events came before or after its on-time firing),
 * and which partition's minute counts a duplicate whose copies are on different partitions. What
 * two runs over the same topic must agree on.
 *
 * <p>Sums, means and deviations are compared to the rounding their order of additions allows
 * (relative 1e-12): the events of a series spread over partitions arrive in the order the
 * partitions interleave, which a run does not repeat, and floating-point addition is not associative.
 */
public final class TableContents {
    private static final Map<String, String> QUERIES = new LinkedHashMap<>();

    static {
        QUERIES.put(
                "window_aggregates",
                "SELECT series_key, window_start, window_end, count, sum, min, max, mean, stddev, first_event_time,"
                        + " last_event_time, p50, p95, p99 FROM window_aggregates"
                        + " ORDER BY series_key, window_start, window_end");
        QUERIES.put(
                "anomalies",
                "SELECT series_key, detector, opened_window_start, status, revision, severity, score, observed,"
                        + " expected_low, expected_high, message, opened_window_end, resolved_window_start,"
                        + " resolved_window_end, resolve_score FROM anomalies"
                        + " ORDER BY series_key, detector, opened_window_start");
        QUERIES.put(
                "dead_letters",
                "SELECT topic, partition, kafka_offset, kafka_timestamp, encode(payload, 'hex') AS payload, error_code,"
                        + " message, stage, exception_class, payload_format FROM dead_letters"
                        + " ORDER BY topic, partition, kafka_offset");
        QUERIES.put(
                "late_events",
                "SELECT topic, partition, kafka_offset, event_id, series_key, event_time, value, source, unit,"
                        + " attributes::text AS attributes, watermark FROM late_events ORDER BY topic, partition, kafka_offset");
        // which of two copies on different partitions is the duplicate depends on how the partitions
        // interleave: rows are compared without it, its total with the others
        QUERIES.put(
                "ingest_ledger",
                "SELECT topic, partition, arrival_minute, records_read, valid, invalid, quarantined,"
                        + " late_accepted, late_dropped, first_offset, last_offset FROM ingest_ledger"
                        + " ORDER BY topic, partition, arrival_minute");
        QUERIES.put(
                "ingest_ledger totals",
                "SELECT sum(records_read) AS read, sum(valid) AS valid, sum(invalid) AS invalid,"
                        + " sum(quarantined) AS quarantined, sum(duplicates) AS duplicates,"
                        + " sum(late_accepted) AS late_accepted, sum(late_dropped) AS late_dropped FROM ingest_ledger");
    }

    private TableContents() {}

    /** Table name to its rows, in key order. */
    public static Map<String, List<Map<String, Object>>> of(TestDatabase db) {
        Map<String, List<Map<String, Object>>> tables = new LinkedHashMap<>();
        QUERIES.forEach((table, sql) -> tables.put(table, db.query(sql)));
        return tables;
    }

    /** Asserts that both hold the same rows, table by table, in the same order. */
    public static void assertSame(
            Map<String, List<Map<String, Object>>> expected, Map<String, List<Map<String, Object>>> actual) {
        for (String table : expected.keySet()) {
            List<Map<String, Object>> want = expected.get(table);
            List<Map<String, Object>> got = actual.get(table);
            if (got == null || got.size() != want.size()) {
                List<Map<String, Object>> actualRows = got == null ? List.of() : got;
                throw new AssertionError(table + ": " + actualRows.size() + " rows, expected " + want.size()
                        + "\n  missing " + without(want, actualRows) + "\n  extra   " + without(actualRows, want));
            }
            for (int i = 0; i < want.size(); i++) {
                if (!sameRow(want.get(i), got.get(i))) {
                    throw new AssertionError(table + " row " + i + " differs:\n  expected " + want.get(i)
                            + "\n  actual   " + got.get(i));
                }
            }
        }
    }

    private static List<Map<String, Object>> without(List<Map<String, Object>> rows, List<Map<String, Object>> others) {
        return rows.stream()
                .filter(r -> others.stream().noneMatch(o -> sameRow(r, o)))
                .limit(5)
                .toList();
    }

    private static boolean sameRow(Map<String, Object> a, Map<String, Object> b) {
        if (!a.keySet().equals(b.keySet())) return false;
        for (String column : a.keySet()) {
            Object x = a.get(column);
            Object y = b.get(column);
            if (x instanceof Double dx && y instanceof Double dy) {
                if (Double.compare(dx, dy) != 0 && Math.abs(dx - dy) > 1e-12 * Math.max(Math.abs(dx), Math.abs(dy))) {
                    return false;
                }
            } else if (!java.util.Objects.equals(x, y)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The same tables with the name of the topic the job read replaced: two topics holding the same
     * records at the same offsets must give the same rows but for it.
     */
    public static Map<String, List<Map<String, Object>>> renamingTopic(
            Map<String, List<Map<String, Object>>> tables, String topic, String as) {
        Map<String, List<Map<String, Object>>> renamed = new LinkedHashMap<>();
        tables.forEach((table, rows) -> renamed.put(
                table,
                rows.stream()
                        .map(row -> {
                            if (!topic.equals(row.get("topic"))) return row;
                            Map<String, Object> copy = new LinkedHashMap<>(row);
                            copy.put("topic", as);
                            return copy;
                        })
                        .toList()));
        return renamed;
    }

    /** Rows per table, for messages and reports. */
    public static Map<String, Integer> sizes(Map<String, List<Map<String, Object>>> tables) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        tables.forEach((table, rows) -> sizes.put(table, rows.size()));
        return sizes;
    }
}
