package io.streamwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./streamwatch cluster} without a cluster: usage problems end in one line and exit code 2,
 * before anything starts. (ClusterReadmeITCase runs a real one.)
 */
class ClusterCommandTest {
    @TempDir
    Path data;

    private record Ran(int code, String out, String err) {}

    private static Ran run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        // the commands print their results to standard output, as the status line does
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = Launcher.run(args, System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Ran(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
        }
    }

    private void assertUsageProblem(String expected, String... args) {
        Ran ran = run(args);
        assertThat(ran.code()).as(String.join(" ", args)).isEqualTo(Launcher.USAGE);
        assertThat(ran.err().lines())
                .as(String.join(" ", args))
                .singleElement()
                .asString()
                .startsWith("streamwatch cluster")
                .contains(expected);
    }

    @Test
    void withoutASubcommandOrWithABadFlagItSaysWhatIsWrong() {
        assertUsageProblem("name a subcommand: start, submit, status or stop", "cluster");
        // the web UI's port 0 in each: 8081 may be taken on the test machine, and would be reported first
        assertUsageProblem(
                "--taskmanagers 0",
                "cluster",
                "start",
                "--data",
                data.toString(),
                "--web-port",
                "0",
                "--taskmanagers",
                "0");
        assertUsageProblem("Unknown option: '--bogus'", "cluster", "stop", "--bogus");
        assertUsageProblem(
                "is not a Flink config.yaml",
                "cluster",
                "start",
                "--data",
                data.toString(),
                "--web-port",
                "0",
                "--flink-config",
                data.resolve("flink.yaml").toString());
        assertUsageProblem(
                "--rate 0.0",
                "cluster",
                "start",
                "--data",
                data.toString(),
                "--web-port",
                "0",
                "--traffic",
                "--rate",
                "0");
    }

    @Test
    void submitAndStatusWithoutAClusterSayToStartOne() {
        for (String command : List.of("submit", "status")) {
            assertUsageProblem(
                    "no cluster is running in " + data.resolve("cluster")
                            + ": start one with ./streamwatch cluster start",
                    "cluster",
                    command,
                    "--data",
                    data.toString());
        }
    }

    @Test
    void stopWithoutAClusterHasNothingToDo() {
        Ran ran = run("cluster", "stop", "--data", data.toString());
        assertThat(ran.code()).isZero();
        assertThat(ran.out()).contains("No cluster is running in " + data.resolve("cluster"));
    }

    @Test
    void aTakenWebPortIsReportedBeforeAnythingStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("localhost"))) {
            assertUsageProblem(
                    "port " + taken.getLocalPort() + " for the Flink web UI is taken",
                    "cluster",
                    "start",
                    "--data",
                    data.toString(),
                    "--web-port",
                    String.valueOf(taken.getLocalPort()));
        }
        assertThat(data.resolve("cluster/cluster.properties")).doesNotExist();
    }

    @Test
    void aStateFileWhoseProcessesAreGoneIsNoRunningCluster() throws Exception {
        Path dir = Files.createDirectories(data.resolve("cluster"));
        // a pid that cannot be alive with this start time: what a reboot leaves
        new ClusterState(
                        List.of(new ClusterState.Member(
                                ClusterState.SUPERVISOR, ProcessHandle.current().pid(), 1, "")),
                        "http://localhost:1",
                        "localhost:1",
                        "events",
                        "jdbc:postgresql://localhost:1/x",
                        1,
                        "x",
                        "none",
                        0)
                .write(dir.resolve("cluster.properties"));
        assertUsageProblem("is not running (its supervisor ended)", "cluster", "status", "--data", data.toString());
        Ran stop = run("cluster", "stop", "--data", data.toString());
        assertThat(stop.code()).isZero();
        assertThat(dir.resolve("cluster.properties")).doesNotExist();
    }

    @Test
    void everySubcommandHasHelp() {
        for (String command : List.of("start", "submit", "status", "stop")) {
            Ran ran = run("cluster", command, "--help");
            assertThat(ran.code()).isZero();
        }
        assertThat(run("cluster", "--help").code()).isZero();
    }
}
