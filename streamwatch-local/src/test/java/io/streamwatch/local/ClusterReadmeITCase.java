package io.streamwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.testkit.Await;
import io.streamwatch.testkit.EmbeddedPostgresServer;
import io.streamwatch.testkit.ProjectPaths;
import io.streamwatch.testkit.SessionCluster;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.util.FileUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The README's "Running the job on a Flink cluster" section, tested as written: its command block
 * is read from README.md and each command run through bash from the checkout's folder, as a user
 * would paste it, with the two variables the section names for the web UI's port and the data folder
 * set to a free port and a build folder. After {@code submit} the job must be RUNNING with no
 * restart and have written rows to PostgreSQL; after {@code stop} no process of the cluster may be
 * left. A README edit that breaks a command fails the build.
 */
class ClusterReadmeITCase {
    private static final String SECTION = "## Running the job on a Flink cluster";
    private static final Path WORK = Path.of("target", "cluster-readme").toAbsolutePath();
    private static final Path DATA = WORK.resolve("data");
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(4);

    /** Every process the cluster recorded, for the final check and for the cleanup after a failure. */
    private static final List<ClusterState.Member> seen = new ArrayList<>();

    @Test
    void theReadmesClusterCommandsStartSubmitShowAndStopARealCluster() throws Exception {
        String section = readmeSection();
        assertThat(section)
                .as("the section tells how to choose the web UI's port and the data folder")
                .contains("STREAMWATCH_WEB_PORT")
                .contains("STREAMWATCH_DATA");
        List<String> commands = commandBlock(section);
        assertThat(commands.stream().map(ClusterReadmeITCase::subcommand))
                .as("the block's commands, in order")
                .containsExactly("start", "submit", "status", "stop");
        FileUtils.deleteDirectory(WORK.toFile());
        int webPort = freePort();

        for (int i = 0; i < commands.size(); i++) {
            String command = commands.get(i);
            long started = System.nanoTime();
            Result result = bash(i, command, webPort);
            System.out.printf("%s: exit %d after %.1f s%n%s%n", command, result.exit, seconds(started), result.output);
            assertThat(result.exit).as(command + " said:\n" + result.output).isZero();
            switch (subcommand(command)) {
                case "start" -> afterStart(result, webPort);
                case "submit" -> afterSubmit();
                case "status" ->
                    assertThat(result.output)
                            .contains("http://localhost:" + webPort)
                            .contains("RUNNING")
                            .contains("window_aggregates");
                case "stop" -> afterStop();
                default -> throw new AssertionError(command);
            }
        }
    }

    private static void afterStart(Result result, int webPort) throws Exception {
        assertThat(result.output).contains("web UI         http://localhost:" + webPort);
        ClusterState state = state();
        seen.addAll(state.processes());
        assertThat(state.processes().stream().map(ClusterState.Member::name))
                .contains(ClusterState.SUPERVISOR, "jobmanager-0", "taskmanager-1", "postgres");
        assertThat(state.running()).isEqualTo(state.processes());
        assertThat(DATA.resolve("cluster/log"))
                .as("every process logs into the cluster's folder")
                .isDirectoryContaining("glob:**/start.log")
                .isDirectoryContaining("glob:**/supervisor.log")
                .isDirectoryContaining("glob:**/jobmanager-0.log");

        Result again = bash(99, "./streamwatch cluster start", webPort);
        assertThat(again.exit).isEqualTo(Launcher.USAGE);
        assertThat(again.output.lines())
                .singleElement()
                .asString()
                .startsWith("streamwatch cluster start: a cluster is already running in " + DATA.resolve("cluster"));
    }

    private static void afterSubmit() throws Exception {
        ClusterState state = state();
        SessionCluster flink = SessionCluster.attach(DATA.resolve("cluster"), List.of(), Map.of());
        List<JsonNode> jobs = flink.jobs();
        assertThat(jobs)
                .singleElement()
                .satisfies(job -> assertThat(job.path("state").asText()).isEqualTo("RUNNING"));
        String job = jobs.get(0).path("jid").asText();
        long started = System.nanoTime();
        Await.until(
                "rows in window_aggregates",
                Duration.ofSeconds(90),
                () -> rows(state, "window_aggregates") > 0,
                () -> flink.describeJob(job));
        System.out.printf(
                "first rows in PostgreSQL %.1f s after submit returned: %d windows, %d dead letters%n",
                seconds(started), rows(state, "window_aggregates"), rows(state, "dead_letters"));
        assertThat(flink.jobMetric(job, "numRestarts")).as("restarts").isZero();
    }

    private static void afterStop() {
        assertThat(DATA.resolve("cluster/cluster.properties")).doesNotExist();
        assertThat(seen).isNotEmpty();
        for (ClusterState.Member m : seen) {
            assertThat(m.running())
                    .as(m.name() + " (pid " + m.pid() + ") after stop")
                    .isEmpty();
        }
        assertThat(processesUsing(DATA))
                .as("processes whose command line names " + DATA)
                .isEmpty();
    }

    /** Whatever a failed run left: the cluster's own stop, then the recorded processes killed. */
    @AfterAll
    static void leaveNoProcess() throws Exception {
        if (Files.exists(DATA.resolve("cluster/cluster.properties"))) bash(100, "./streamwatch cluster stop", 0);
        for (ClusterState.Member m : seen) m.running().ifPresent(ProcessHandle::destroyForcibly);
        processesUsing(DATA).forEach(ProcessHandle::destroyForcibly);
    }

    /** The section's text, up to the next section of the same level. */
    private static String readmeSection() throws IOException {
        String readme = Files.readString(ProjectPaths.resolve("README.md"));
        int start = readme.indexOf(SECTION);
        assertThat(start).as("README.md has the section '" + SECTION + "'").isNotNegative();
        int end = readme.indexOf("\n## ", start + SECTION.length());
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    /** The section's first fenced block, one entry per command (continued lines joined, blank lines skipped). */
    private static List<String> commandBlock(String section) {
        List<String> lines = section.lines().toList();
        int open = lines.indexOf("```");
        assertThat(open).as("a command block in the section").isNotNegative();
        List<String> commands = new ArrayList<>();
        StringBuilder command = new StringBuilder();
        for (String line : lines.subList(open + 1, lines.size())) {
            if (line.equals("```")) break;
            if (line.isBlank()) continue;
            command.append(line).append('\n');
            if (!line.endsWith("\\")) {
                commands.add(command.toString().strip());
                command.setLength(0);
            }
        }
        return commands;
    }

    /** {@code submit} of {@code ./streamwatch cluster submit   # ...}. */
    private static String subcommand(String command) {
        String prefix = "./streamwatch cluster ";
        assertThat(command).as("a command of the block").startsWith(prefix);
        return command.substring(prefix.length()).split("\\s+")[0];
    }

    private record Result(int exit, String output) {}

    /** The command through bash from the checkout's folder, as a user would run it, with the README's two variables. */
    private static Result bash(int index, String command, int webPort) throws Exception {
        Files.createDirectories(WORK);
        Path out = WORK.resolve(String.format("%02d.out", index));
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", command)
                .directory(ProjectPaths.root().toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().put("STREAMWATCH_WEB_PORT", String.valueOf(webPort));
        pb.environment().put("STREAMWATCH_DATA", DATA.toString());
        Process p = pb.start();
        if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not end within " + COMMAND_TIMEOUT.toMinutes() + " min; said:\n"
                    + Files.readString(out));
        }
        return new Result(p.exitValue(), Files.readString(out));
    }

    private static ClusterState state() {
        return ClusterState.read(DATA.resolve("cluster/cluster.properties"))
                .orElseThrow(() -> new AssertionError("no cluster.properties in " + DATA.resolve("cluster")));
    }

    private static long rows(ClusterState state, String table) {
        try (Connection c = DriverManager.getConnection(state.jdbcUrl(), EmbeddedPostgresServer.USER, "");
                Statement s = c.createStatement();
                ResultSet r =
                        s.executeQuery("SELECT CASE WHEN to_regclass('" + table + "') IS NULL THEN 0 ELSE 1 END")) {
            r.next();
            if (r.getInt(1) == 0) return 0;
            try (ResultSet count = s.executeQuery("SELECT count(*) FROM " + table)) {
                count.next();
                return count.getLong(1);
            }
        } catch (SQLException e) {
            throw new AssertionError("cannot count " + table + " at " + state.jdbcUrl(), e);
        }
    }

    private static List<ProcessHandle> processesUsing(Path dir) {
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            return all.filter(p -> p.info()
                            .commandLine()
                            .filter(c -> c.contains(dir.toString()))
                            .isPresent())
                    .toList();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
