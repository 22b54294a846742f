package io.streamwatch.bench;

import io.streamwatch.bench.BenchCommand.Loaded;
import io.streamwatch.bench.BenchCommand.Measured;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The benchmark's tables and its closing line. */
final class Report {
    private Report() {}

    /** One point of the scale mode. */
    record ScalePoint(long records, int series, Measured raw, Measured job) {}

    static String table(Map<RunSpec.Engine, Measured> results, Loaded topic) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "%,d records in %d partitions (%,d series, %,d unique, %,d repeated ids, %,d malformed, %d clock records),"
                        + " each run from the earliest offset to the end%n",
                topic.counts().records(),
                topic.topic().partitions,
                topic.series(),
                topic.counts().unique(),
                topic.counts().duplicates(),
                topic.counts().malformed(),
                topic.topic().partitions));
        b.append(String.format(
                Locale.ROOT,
                "%-13s %10s %9s   %-34s %-44s %s%n",
                "run",
                "events/s",
                "elapsed",
                "CPU s per M events: engine+broker+db",
                "checkpoints (completed, avg/max, last size)",
                "rows written"));
        for (Measured m : results.values()) {
            RunJvm.Outcome o = m.outcome();
            b.append(String.format(
                    Locale.ROOT,
                    "%-13s %,10.0f %8.1fs   %-34s %-44s %s%n",
                    m.engine().label,
                    m.eventsPerSecond(),
                    m.seconds(),
                    cpu(m),
                    checkpoints(o),
                    m.rows().isEmpty() ? "-" : String.format(Locale.ROOT, "%,d", m.rowsWritten())));
        }
        for (Measured m : results.values()) {
            if (m.rows().isEmpty()) continue;
            b.append(String.format(
                    Locale.ROOT,
                    "  %s rows: %s%n",
                    m.engine().label,
                    m.rows().entrySet().stream()
                            .map(e -> String.format(Locale.ROOT, "%s %,d", e.getKey(), e.getValue()))
                            .collect(Collectors.joining(", "))));
        }
        b.append("  CPU: engine = the run's own JVM (Flink's MiniCluster, Kafka Streams, or the consumer), from its"
                + " start to the last row; broker = the bench's JVM, which runs the Kafka broker; db = PostgreSQL's"
                + " processes. The twin's changelogs and transactions are broker work, the job's checkpoints"
                + " engine work: compare totals.\n");
        return b.toString();
    }

    private static String cpu(Measured m) {
        RunJvm.Outcome o = m.outcome();
        double engine = m.cpuPerMillion(o.get("cpuNanos"));
        double broker = m.cpuPerMillion(o.brokerCpuNanos());
        double db = m.cpuPerMillion(o.databaseCpuNanos());
        return String.format(
                Locale.ROOT,
                "%.2f+%.2f+%s = %.2f",
                engine,
                broker,
                db < 0 ? "?" : String.format(Locale.ROOT, "%.2f", db),
                m.cpuPerMillion(m.totalCpuNanos()));
    }

    private static String checkpoints(RunJvm.Outcome o) {
        if (o.has("changelogBytes")) {
            return String.format(Locale.ROOT, "commits every 1 s; changelogs %s", bytes(o.get("changelogBytes")));
        }
        if (!o.has("checkpoints")) return "-";
        long n = o.get("checkpoints");
        if (n == 0) return "none completed";
        return String.format(
                Locale.ROOT,
                "%d, %.1f/%.1f s, %s (%s incr.)",
                n,
                o.get("checkpointAvgMs") / 1000.0,
                o.get("checkpointMaxMs") / 1000.0,
                bytes(o.get("stateBytes")),
                bytes(o.get("checkpointedBytes")));
    }

    static String bytes(long b) {
        if (b < 0) return "?";
        if (b < 1024 * 1024) return String.format(Locale.ROOT, "%.0f KB", b / 1024.0);
        return String.format(Locale.ROOT, "%.0f MB", b / 1024.0 / 1024.0);
    }

    /** {@code end-to-end: N ev/s (rocksdb), raw: M ev/s, ratio R, kafka-streams: K ev/s, cpu-per-M: C s vs D s} */
    static String closingLine(Map<RunSpec.Engine, Measured> results) {
        Measured job = results.get(RunSpec.Engine.ROCKSDB);
        Measured raw = results.get(RunSpec.Engine.RAW);
        Measured twin = results.get(RunSpec.Engine.KAFKA_STREAMS);
        return String.format(
                Locale.ROOT,
                "end-to-end: %s ev/s (rocksdb), raw: %s ev/s, ratio %s, kafka-streams: %s ev/s, cpu-per-M: %s s vs %s s",
                rate(job),
                rate(raw),
                job == null || raw == null
                        ? "n/a"
                        : String.format(Locale.ROOT, "%.2f", job.eventsPerSecond() / raw.eventsPerSecond()),
                rate(twin),
                cpuTotal(job),
                cpuTotal(twin));
    }

    private static String rate(Measured m) {
        return m == null ? "n/a" : String.format(Locale.ROOT, "%,.0f", m.eventsPerSecond());
    }

    private static String cpuTotal(Measured m) {
        return m == null ? "n/a" : String.format(Locale.ROOT, "%.1f", m.cpuPerMillion(m.totalCpuNanos()));
    }

    static String scaleTable(List<ScalePoint> points) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "%12s %9s %14s %14s %7s %22s%n",
                "records",
                "series",
                "job ev/s",
                "raw ev/s",
                "ratio",
                "job CPU s per M (total)"));
        for (ScalePoint p : points) {
            b.append(String.format(
                    Locale.ROOT,
                    "%,12d %,9d %,14.0f %,14.0f %7.2f %22.2f%n",
                    p.records(),
                    p.series(),
                    p.job().eventsPerSecond(),
                    p.raw().eventsPerSecond(),
                    p.job().eventsPerSecond() / p.raw().eventsPerSecond(),
                    p.job().cpuPerMillion(p.job().totalCpuNanos())));
        }
        return b.toString();
    }
}
