package io.streamwatch.local;

import io.streamwatch.testkit.SessionCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./streamwatch cluster}: a Flink session cluster on this machine as users run one (a
 * JobManager and TaskManagers, each its own JVM, from the test kit's {@code StandaloneCluster}), with
 * Kafka and PostgreSQL embedded as in the demo, outliving the command that started it: {@code start},
 * {@code submit}, {@code status}, {@code stop}.
 */
@Command(
        name = "cluster",
        mixinStandardHelpOptions = true,
        subcommands = {ClusterStart.class, ClusterSubmit.class, ClusterStatus.class, ClusterStop.class},
        description =
                "A Flink 2.2 session cluster on this machine (a JobManager and TaskManagers as separate processes, configured from conf/flink/config.yaml, web UI on :8081) with Kafka and PostgreSQL as in the demo, running in the background until stopped: ./streamwatch cluster start | submit | status | stop.")
final class Cluster implements Runnable {
    /** What the job reads its database password from; the embedded PostgreSQL needs none. */
    static final Map<String, String> ENVIRONMENT = Map.of(Demo.PASSWORD_ENV, "");

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a subcommand: start, submit, status or stop");
    }

    /** The {@code --data} flag of every subcommand, and where the cluster keeps its things in that folder. */
    static final class Folder {
        @Option(
                names = "--data",
                paramLabel = "DIR",
                defaultValue = "${env:STREAMWATCH_DATA:-local-data}",
                description =
                        "data folder (or set STREAMWATCH_DATA); the cluster keeps its pids, ports, logs, PostgreSQL, Kafka and checkpoints in DIR/cluster (default: ${DEFAULT-VALUE})")
        Path data;

        /** The cluster's folder: Flink's conf/, log/ and tmp/, and the demo's layout ({@link DataDir}). */
        DataDir dir() {
            return DataDir.open(data.resolve("cluster"), false);
        }

        Path stateFile() {
            return dir().root().resolve("cluster.properties");
        }

        Path logDir() {
            return dir().root().resolve("log");
        }

        /** Logs the command to {@code log/NAME.log} of the cluster's folder. */
        void logAs(String command) {
            Launcher.logTo(logDir().resolve(command + ".log"));
        }

        /** The running cluster, or one line that says there is none. */
        ClusterState requireRunning() {
            ClusterState state = ClusterState.read(stateFile())
                    .orElseThrow(() -> new LauncherException("no cluster is running in " + dir().root()
                            + ": start one with ./streamwatch cluster start"));
            if (state.supervisor().running().isEmpty()) {
                throw new LauncherException("the cluster in " + dir().root()
                        + " is not running (its supervisor ended): ./streamwatch cluster stop cleans up what is left");
            }
            return state;
        }

        /** The cluster's REST API and CLI. */
        SessionCluster session() {
            return SessionCluster.attach(dir().root(), flinkLib(), ENVIRONMENT);
        }
    }

    /**
     * Flink's lib/ for the cluster's processes and the CLI: the job's provided dependencies (Flink,
     * the web UI, RocksDB, the Prometheus reporter, logging), as the job module's build lists them;
     * the same the tests' cluster runs on.
     */
    static List<Path> flinkLib() {
        Path target = Launcher.home().resolve("streamwatch-job/target");
        List<Path> files = List.of(target.resolve("flink-lib.classpath"), target.resolve("flink-lib-shared.classpath"));
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new LauncherException(
                        "Flink's classpath " + file + " is missing; build it with"
                                + " mvn -q -DskipTests -pl streamwatch-local -am compile (./streamwatch does after a pom.xml changed)");
            }
        }
        return SessionCluster.readClasspath(files.get(0) + "," + files.get(1));
    }
}
