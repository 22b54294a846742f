package io.streamwatch.local;

import io.streamwatch.testkit.EmbeddedPostgresServer;
import io.streamwatch.testkit.SessionCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ./streamwatch cluster status}: the processes, the web UI, Kafka, PostgreSQL, the jobs and what they wrote. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Shows the cluster's processes (pids, logs), the web UI's address, Kafka and PostgreSQL, each job's state, restarts and last checkpoint, and the rows in the job's tables. Exit code 1 if a process of the cluster is gone.")
final class ClusterStatus implements Callable<Integer> {
    /** The job's tables, as the status counts their rows. */
    private static final List<String> TABLES = List.of("window_aggregates", "anomalies", "dead_letters", "late_events");

    @Mixin
    Cluster.Folder folder;

    @Override
    public Integer call() {
        folder.logAs("status");
        ClusterState state = folder.requireRunning();
        System.out.print(describe(state, folder));
        List<ClusterState.Member> gone =
                state.processes().stream().filter(m -> m.running().isEmpty()).toList();
        if (gone.isEmpty()) return 0;
        System.out.println("Not running any more: "
                + String.join(", ", gone.stream().map(ClusterState.Member::name).toList())
                + " (see their logs; ./streamwatch cluster stop, then start, for a fresh cluster)");
        return Launcher.FAILED;
    }

    /** The cluster as it is now, several lines. */
    static String describe(ClusterState state, Cluster.Folder folder) {
        StringBuilder out = new StringBuilder();
        Path root = folder.dir().root();
        line(
                out,
                "Streamwatch cluster in %s, up %s",
                root,
                duration(System.currentTimeMillis() - state.startedMillis()));
        line(out, "  web UI         %s", state.webUi());
        for (ClusterState.Member m : state.processes()) {
            String what = m.name().equals(ClusterState.SUPERVISOR) ? " (runs Kafka and PostgreSQL)" : "";
            String log = m.log().isEmpty() ? "" : "  log " + root.relativize(Path.of(m.log()));
            line(
                    out,
                    "  %-14s pid %-8d %s%s%s",
                    m.name(),
                    m.pid(),
                    m.running().isPresent() ? "running" : "GONE",
                    what,
                    log);
        }
        SessionCluster flink = folder.session();
        flink.getOptional("/overview")
                .ifPresentOrElse(
                        o -> line(
                                out,
                                "  Flink          %s, %d TaskManager(s), %d of %d slots free",
                                o.path("flink-version").asText(),
                                o.path("taskmanagers").asInt(),
                                o.path("slots-available").asInt(),
                                o.path("slots-total").asInt()),
                        () -> line(out, "  Flink          the JobManager does not answer at %s", state.webUi()));
        line(
                out,
                "  Kafka          %s, topic %s%s (traffic: %s)",
                state.kafka(),
                state.topic(),
                records(state),
                state.traffic());
        line(out, "  PostgreSQL     %s (user %s, no password)", state.jdbcUrl(), EmbeddedPostgresServer.USER);
        line(
                out,
                "                 export PGHOST=localhost PGPORT=%d PGUSER=%s PGDATABASE=%s",
                state.postgresPort(),
                EmbeddedPostgresServer.USER,
                state.database());
        List<JsonNode> jobs = flink.getOptional("/jobs/overview").isPresent() ? flink.jobs() : List.of();
        if (jobs.isEmpty()) line(out, "Jobs: none (./streamwatch cluster submit)");
        else line(out, "Jobs:");
        for (JsonNode job : jobs) out.append(describeJob(flink, job));
        tables(state).ifPresent(t -> line(out, "Tables: %s", t));
        return out.toString();
    }

    /** {@code streamwatch-demo  <id>  RUNNING for 2 min 3 s, restarts 0; last checkpoint #12, 3 s ago, 412 KB (12 completed, 0 failed)} */
    private static String describeJob(SessionCluster flink, JsonNode job) {
        String id = job.path("jid").asText();
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT,
                "  %s  %s  %s for %s",
                job.path("name").asText(),
                id,
                job.path("state").asText(),
                duration(job.path("duration").asLong())));
        if (job.path("end-time").asLong() < 0) {
            out.append(", restarts ").append(Math.max(0, flink.jobMetric(id, "numRestarts")));
        }
        flink.getOptional("/jobs/" + id + "/checkpoints").ifPresent(checkpoints -> {
            JsonNode latest = checkpoints.path("latest").path("completed");
            JsonNode counts = checkpoints.path("counts");
            if (latest.isMissingNode() || latest.isNull()) {
                out.append("; no checkpoint yet");
            } else {
                out.append(String.format(
                        Locale.ROOT,
                        "; last checkpoint #%d, %s ago, %s (%d completed, %d failed)",
                        latest.path("id").asLong(),
                        duration(System.currentTimeMillis()
                                - latest.path("latest_ack_timestamp").asLong()),
                        bytes(latest.path("checkpointed_size").asLong()),
                        counts.path("completed").asLong(),
                        counts.path("failed").asLong()));
            }
        });
        return out.append(System.lineSeparator()).toString();
    }

    /** {@code  (12,345 records)}, or nothing if Kafka does not answer. */
    private static String records(ClusterState state) {
        try (KafkaTraffic topic = KafkaTraffic.open(state.kafka(), state.topic(), 1)) {
            return String.format(Locale.ROOT, " (%,d records)", topic.endOffsets());
        } catch (Exception e) {
            return " (Kafka does not answer)";
        }
    }

    /** Rows per table of the job, once a job created them. */
    private static Optional<String> tables(ClusterState state) {
        try (Connection c = DriverManager.getConnection(state.jdbcUrl(), EmbeddedPostgresServer.USER, "");
                Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT to_regclass('" + TABLES.get(0) + "')")) {
                // before the first job migrated the schema there are no tables
                if (!r.next() || r.getString(1) == null) return Optional.empty();
            }
            List<String> counts = new ArrayList<>();
            for (String table : TABLES) {
                try (ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
                    r.next();
                    counts.add(String.format(Locale.ROOT, "%s %,d", table, r.getLong(1)));
                }
            }
            return Optional.of(String.join(", ", counts) + " rows");
        } catch (SQLException e) {
            return Optional.of("PostgreSQL does not answer (" + e.getMessage() + ")");
        }
    }

    static String duration(long millis) {
        Duration d = Duration.ofMillis(Math.max(0, millis));
        if (d.toHours() > 0) return d.toHours() + " h " + d.toMinutesPart() + " min";
        if (d.toMinutes() > 0) return d.toMinutes() + " min " + d.toSecondsPart() + " s";
        return d.toSeconds() + " s";
    }

    private static String bytes(long n) {
        if (n < 1024) return n + " B";
        if (n < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KB", n / 1024.0);
        return String.format(Locale.ROOT, "%.1f MB", n / 1024.0 / 1024.0);
    }

    private static void line(StringBuilder out, String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append(System.lineSeparator());
    }
}
