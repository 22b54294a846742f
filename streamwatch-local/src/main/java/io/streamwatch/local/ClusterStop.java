package io.streamwatch.local;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code ./streamwatch cluster stop}: asks the supervisor to stop everything (it cancels the jobs,
 * then stops the TaskManagers, the JobManager, Kafka and PostgreSQL), waits for it, and then ends any
 * process of the cluster still there, e.g. after the supervisor was killed.
 */
@Command(
        name = "stop",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Stops the cluster: cancels its jobs (their last checkpoints stay in DIR/cluster/checkpoints), stops the TaskManagers, the JobManager, Kafka and PostgreSQL (its data stays: ./streamwatch db --data DIR/cluster), and checks that none of its processes is left.")
final class ClusterStop implements Callable<Integer> {
    /** the supervisor gives Flink 30 s, then Kafka and PostgreSQL their time */
    private static final Duration SUPERVISOR_PATIENCE = Duration.ofMinutes(2);

    private static final Duration LEFTOVER_GRACE = Duration.ofSeconds(15);

    @Mixin
    Cluster.Folder folder;

    @Override
    public Integer call() throws Exception {
        folder.logAs("stop");
        Optional<ClusterState> read = ClusterState.read(folder.stateFile());
        if (read.isEmpty()) {
            System.out.println("No cluster is running in " + folder.dir().root() + ".");
            return 0;
        }
        ClusterState state = read.get();
        long started = System.nanoTime();
        ClusterState.Member supervisor = state.supervisor();
        if (supervisor.running().isPresent()) {
            System.out.println("Stopping the cluster in " + folder.dir().root() + " (jobs, TaskManagers, JobManager,"
                    + " Kafka, PostgreSQL) ...");
            if (!supervisor.stop(SUPERVISOR_PATIENCE)) {
                throw new IllegalStateException("the supervisor (pid " + supervisor.pid() + ") did not end");
            }
        }
        // what a killed or stuck supervisor left behind
        List<String> leftOver = new ArrayList<>();
        List<String> stuck = new ArrayList<>();
        for (ClusterState.Member m : state.running()) {
            leftOver.add(m.name() + " (pid " + m.pid() + ")");
            if (!m.stop(LEFTOVER_GRACE)) stuck.add(m.name() + " (pid " + m.pid() + ")");
        }
        if (!stuck.isEmpty()) {
            throw new IllegalStateException("could not stop " + String.join(", ", stuck));
        }
        Files.deleteIfExists(folder.stateFile());
        if (!leftOver.isEmpty()) {
            System.out.println("Left behind by the supervisor, now stopped: " + String.join(", ", leftOver));
        }
        System.out.printf(
                "Stopped in %.1f s; no process of the cluster is left. Its PostgreSQL data stays in %s.%n",
                (System.nanoTime() - started) / 1e9, folder.dir().postgres());
        return 0;
    }
}
