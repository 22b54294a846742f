package io.streamwatch.local;

import java.time.Duration;
import java.util.Locale;

/**
 * What a demo run measured, and the text it ends with. Every number is measured: the broker's end
 * offsets, and the run's database (the ingest ledger and the tables), which restarts do not skew.
 */
public record Summary(
        String runId,
        Duration ran,
        Generator.Totals sent,
        long produced,
        long recordsIn,
        long valid,
        long invalid,
        long invalidCounted,
        long duplicates,
        long unique,
        long aggregated,
        long lateDropped,
        long lateCounted,
        long windowRows,
        long anomalyRows,
        long anomaliesOpen,
        Scoring.Result scoring,
        Where where,
        JobHealth job) {

    /** Where a user looks next. */
    public record Where(
            String webUi,
            String bootstrapServers,
            String topic,
            String jdbcUrl,
            String user,
            String runDir,
            String logFile) {}

    public boolean producedBalances() {
        return produced == valid + invalid;
    }

    public boolean validBalances() {
        return valid == unique + duplicates;
    }

    public boolean uniqueBalances() {
        return unique == aggregated + lateDropped;
    }

    /** The three equations, and the job's own counters agreeing with the broker and the tables. */
    public boolean reconciles() {
        return producedBalances()
                && validBalances()
                && uniqueBalances()
                && recordsIn == produced
                && invalidCounted == invalid
                && lateCounted == lateDropped;
    }

    public String render() {
        StringBuilder s = new StringBuilder();
        line(s, "Streamwatch demo %s: ran %ds", runId, ran.toSeconds());
        restartNote(s);
        line(s, "");
        line(s, "Counts (all measured; 'ok' = holds exactly)");
        line(s, "  produced        %,10d  records in Kafka (end offsets of %s)", produced, where.topic());
        line(
                s,
                "  read by the job %,10d  sum(records_read) in ingest_ledger     %s",
                recordsIn,
                check(recordsIn == produced));
        line(s, "  valid           %,10d  sum(valid) in ingest_ledger", valid);
        line(
                s,
                "  invalid         %,10d  rows in dead_letters (ledger: invalid + quarantined %,d)  %s",
                invalid,
                invalidCounted,
                check(invalid == invalidCounted));
        line(s, "  duplicates      %,10d  sum(duplicates) in ingest_ledger", duplicates);
        line(s, "  unique          %,10d  valid - duplicates", unique);
        line(s, "  aggregated      %,10d  sum(count) over %,d rows of window_aggregates", aggregated, windowRows);
        line(
                s,
                "  late-dropped    %,10d  rows in late_events (ledger %,d)  %s",
                lateDropped,
                lateCounted,
                check(lateDropped == lateCounted));
        line(
                s,
                "  produced = valid + invalid            %,d = %,d + %,d  %s",
                produced,
                valid,
                invalid,
                check(producedBalances()));
        line(
                s,
                "  valid = unique + duplicates           %,d = %,d + %,d  %s",
                valid,
                unique,
                duplicates,
                check(validBalances()));
        line(
                s,
                "  unique = aggregated + late-dropped    %,d = %,d + %,d  %s",
                unique,
                aggregated,
                lateDropped,
                check(uniqueBalances()));
        line(
                s,
                "  (the generator sent %,d points, %,d duplicates, %,d late points, %,d malformed records)",
                sent.points(),
                sent.duplicates(),
                sent.late(),
                sent.malformed());
        line(s, "");
        line(s, "Anomalies: injected vs detected (%,d rows in anomalies, %,d still open)", anomalyRows, anomaliesOpen);
        line(s, "  %-12s %8s %6s %7s %7s %8s", "kind", "injected", "found", "recall", "hidden", "pending");
        for (Scoring.KindScore k : scoring.kinds()) {
            line(
                    s,
                    "  %-12s %8d %6d %7s %7d %8d",
                    k.kind().label(),
                    k.injected(),
                    k.found(),
                    ratio(k.recall()),
                    k.hidden(),
                    k.pending());
        }
        line(s, "  %-12s %10s %8s %9s", "detector", "detections", "matched", "precision");
        for (Scoring.DetectorScore d : scoring.detectors()) {
            line(s, "  %-12s %10d %8d %9s", d.detector(), d.detections(), d.matched(), ratio(d.precision()));
        }
        line(s, "  %-12s %10d %8d %9s", "all", scoring.detections(), scoring.matched(), ratio(scoring.precision()));
        line(s, "  (hidden: not found, but the series had an anomaly open since before it, which it kept open;");
        line(s, "   pending: injected too close to the end to judge; precision is per detector, since a false");
        line(s, "   alarm belongs to no injected kind)");
        line(s, "");
        line(s, "Where to look");
        line(s, "  Flink web UI   %s (while the job runs)", where.webUi());
        line(s, "  Kafka          %s, topic %s", where.bootstrapServers(), where.topic());
        line(s, "  PostgreSQL     %s (user %s; kept in the data folder)", where.jdbcUrl(), where.user());
        line(s, "  tables         window_aggregates, anomalies, dead_letters, late_events, ingest_ledger");
        line(s, "  alerts         printed above as they opened; all of them in the anomalies table");
        line(s, "  ground truth   %s/truth.csv, this summary in %s/summary.txt", where.runDir(), where.runDir());
        line(s, "  log            %s", where.logFile());
        line(s, "");
        line(
                s,
                reconciles()
                        ? "Reconciliation: every count adds up."
                        : "Reconciliation: MISMATCH, see the lines marked above.");
        return s.toString();
    }

    /** Restarts explain counts that do not add up: the job's counters count again what it read again. */
    private void restartNote(StringBuilder s) {
        line(s, "Job: %s", job.details());
        if (job.restarts() > 0) {
            line(s, "  (after a restart the job reads again from its last checkpoint; the counts below come from");
            line(s, "   the tables and the ingest ledger, which hold each record once, so they still add up)");
        }
    }

    private static String check(boolean holds) {
        return holds ? "ok" : "MISMATCH";
    }

    private static String ratio(double r) {
        return Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.2f", r);
    }

    private static void line(StringBuilder s, String format, Object... args) {
        s.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
