package io.streamwatch.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ConfigurationUtils;
import org.apache.flink.configuration.GlobalConfiguration;

/**
 * A Flink session cluster on this machine as users run one: a JobManager and TaskManagers, each
 * its own JVM, started the way Flink's scripts start them ({@code jobmanager.sh}, {@code taskmanager.sh})
 * but from a classpath of Maven artifacts, since flink-dist is not on Maven Central. The memory flags
 * come from Flink's own {@code BashJavaUtils}, so the processes are sized as the scripts would size them.
 * What the tests start, and what {@code ./streamwatch cluster start} starts for users.
 *
 * <p>The configuration is a {@code config.yaml} (such as {@code conf/flink/config.yaml}) with the
 * given overrides and free ports for RPC (and REST, unless the overrides name one) written over it;
 * it lands in {@link #confDir()}, where the CLI and {@link SessionCluster#attach} find it. Logs go
 * to {@link #logDir()}.
 */
public final class StandaloneCluster extends SessionCluster implements AutoCloseable {
    private static final String ENTRYPOINT = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final String BASH_JAVA_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";

    /** One process of the cluster: {@code jobmanager-0}, {@code taskmanager-1}, ..., with its log file. */
    public record Member(String name, Process process, Path log) {}

    private final Member jobManager;
    /** computed once: a TaskManager started after a kill must not wait for another JVM to size it */
    private final List<String> taskManagerFlags;

    private final List<Member> taskManagers = new ArrayList<>();

    private int processesStarted;

    private StandaloneCluster(
            Path workDir, Configuration flink, List<Path> classpath, Map<String, String> environment) {
        super(workDir, flink, classpath, environment);
        this.jobManager = launch("jobmanager", ENTRYPOINT, memoryFlags("GET_JM_RESOURCE_PARAMS"));
        this.taskManagerFlags = memoryFlags("GET_TM_RESOURCE_PARAMS");
    }

    /**
     * Writes the configuration, starts the JobManager and {@code taskManagers} TaskManagers, and waits
     * until all have registered.
     *
     * @param workDir where conf/, log/ and the processes' temporary files go
     * @param classpath Flink's lib/: flink-clients, flink-runtime-web, the state backend, the metric
     *     reporters and a logging backend, with their dependencies
     * @param baseConfig a Flink {@code config.yaml}
     * @param overrides Flink keys written over the base configuration; {@code rest.port} here sets the
     *     web UI's port (else a free one is taken)
     * @param environment variables for every process of the cluster and for the CLI, e.g. the secrets
     *     a job's {@code main()} reads (REST submission runs it in the JobManager)
     */
    public static StandaloneCluster start(
            Path workDir,
            List<Path> classpath,
            Path baseConfig,
            Map<String, String> overrides,
            Map<String, String> environment,
            int taskManagers)
            throws IOException {
        if (!baseConfig.getFileName().toString().equals(GlobalConfiguration.FLINK_CONF_FILENAME)
                || !Files.isRegularFile(baseConfig)) {
            throw new IllegalArgumentException(
                    "expected a Flink " + GlobalConfiguration.FLINK_CONF_FILENAME + ", not " + baseConfig);
        }
        Configuration flink =
                GlobalConfiguration.loadConfiguration(baseConfig.getParent().toString());
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("rest.port", String.valueOf(freePort()));
        settings.put("rest.address", "localhost");
        settings.put("rest.bind-address", "localhost");
        settings.put("jobmanager.rpc.address", "localhost");
        settings.put("jobmanager.rpc.port", String.valueOf(freePort()));
        settings.put("jobmanager.bind-host", "localhost");
        settings.put("taskmanager.host", "localhost");
        settings.put("taskmanager.bind-host", "localhost");
        // each TaskManager a port of its own, picked by the OS when it starts
        settings.put("taskmanager.rpc.port", "0");
        settings.put("blob.server.port", "0");
        settings.put("io.tmp.dirs", workDir.resolve("tmp").toString());
        settings.putAll(overrides);
        settings.forEach(flink::setString);
        Path confDir = workDir.resolve("conf");
        Files.createDirectories(confDir);
        Files.createDirectories(workDir.resolve("tmp"));
        Files.createDirectories(workDir.resolve("log"));
        Files.write(confDir.resolve(GlobalConfiguration.FLINK_CONF_FILENAME), configLines(flink));
        Files.writeString(confDir.resolve("log4j.properties"), LOG4J);
        StandaloneCluster cluster = new StandaloneCluster(workDir, flink, classpath, environment);
        try {
            for (int i = 0; i < taskManagers; i++) cluster.startTaskManager();
            cluster.awaitTaskManagers(taskManagers, Duration.ofSeconds(90));
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** The JobManager and the TaskManagers started so far that were not killed, in start order. */
    public List<Member> members() {
        List<Member> all = new ArrayList<>(List.of(jobManager));
        all.addAll(taskManagers);
        return all;
    }

    /** Starts one more TaskManager and returns at once; see {@link #awaitTaskManagers}. */
    public void startTaskManager() {
        taskManagers.add(launch("taskmanager", TASK_MANAGER, taskManagerFlags));
    }

    /** {@code kill -9} of the oldest TaskManager still alive: no shutdown hook, no goodbye to the JobManager. */
    public void killTaskManager() throws InterruptedException {
        Member victim = taskManagers.stream()
                .filter(m -> m.process().isAlive())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no TaskManager is running"));
        victim.process().destroyForcibly(); // SIGKILL on Linux
        if (!victim.process().waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("TaskManager " + victim.process().pid() + " did not die on SIGKILL");
        }
        taskManagers.remove(victim);
    }

    public void awaitTaskManagers(int count, Duration timeout) {
        Await.orFail(count + " TaskManager(s) registered", timeout, () -> registeredTaskManagers() == count, () -> {
            assertProcessesAlive();
            return registeredTaskManagers() + " registered";
        });
    }

    private int registeredTaskManagers() {
        return getOptional("/taskmanagers")
                .map(n -> n.path("taskmanagers").size())
                .orElse(-1);
    }

    /**
     * Stops the cluster as {@code stop-cluster.sh} does: cancels the running jobs (their retained
     * checkpoints stay), then asks each process to end (SIGTERM: Flink's shutdown hooks run), the
     * TaskManagers first, and kills any still there after {@code grace}.
     *
     * @return the names of the processes that had to be killed
     */
    public List<String> stop(Duration grace) throws InterruptedException {
        if (jobManager.process().isAlive()) {
            try {
                cancelRunningJobs();
            } catch (RuntimeException e) {
                // a JobManager that cannot cancel is stopped all the same
            }
        }
        List<String> killed = new ArrayList<>();
        List<Member> all = new ArrayList<>(taskManagers);
        all.add(jobManager);
        for (Member m : all) {
            m.process().destroy();
            if (!m.process().waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                m.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                killed.add(m.name());
            }
        }
        return killed;
    }

    /** Kills every process of the cluster; there is nothing to keep. */
    @Override
    public void close() {
        List<Member> all = new ArrayList<>(taskManagers);
        all.add(jobManager);
        for (Member m : all) m.process().destroyForcibly();
        for (Member m : all) {
            try {
                m.process().waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void assertProcessesAlive() {
        if (!jobManager.process().isAlive()) {
            throw new IllegalStateException("the JobManager exited with "
                    + jobManager.process().exitValue() + "; see " + jobManager.log() + " and .out");
        }
    }

    /** The JVM flags and dynamic properties Flink's scripts would compute for this configuration. */
    private List<String> memoryFlags(String which) {
        try {
            Process p = new ProcessBuilder(
                            java(),
                            "-cp",
                            classpath,
                            BASH_JAVA_UTILS,
                            which,
                            "--configDir",
                            confDir().toString())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) throw new IllegalStateException(which + " failed:\n" + output);
            List<String> results = output.lines()
                    .filter(l -> l.startsWith(RESULT_PREFIX))
                    .map(l -> l.substring(RESULT_PREFIX.length()).trim())
                    .toList();
            if (results.size() < 2) throw new IllegalStateException(which + " printed no result:\n" + output);
            // the first line: JVM flags (-Xmx, -Xms, ...); the last: -D key=value pairs for the process
            List<String> flags = new ArrayList<>(List.of(results.get(0).split("\\s+")));
            flags.add("--");
            flags.addAll(List.of(results.get(results.size() - 1).split("\\s+")));
            return flags;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** @param flags JVM flags, then {@code --}, then the program's dynamic properties */
    private Member launch(String role, String mainClass, List<String> flags) {
        int separator = flags.indexOf("--");
        String name = role + "-" + processesStarted++;
        Path log = logDir().resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(javaOptions(role));
        command.addAll(flags.subList(0, separator));
        command.add("-Dlog.file=" + log);
        command.add("-Dlog4j.configurationFile=" + confDir().resolve("log4j.properties"));
        command.addAll(
                List.of("-cp", classpath, mainClass, "--configDir", confDir().toString()));
        command.addAll(flags.subList(separator + 1, flags.size()));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logDir().resolve(name + ".out").toFile());
        pb.environment().putAll(environment);
        pb.environment().put("FLINK_CONF_DIR", confDir().toString());
        try {
            return new Member(name, pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + role, e);
        }
    }

    private static List<String> configLines(Configuration flink) {
        return ConfigurationUtils.convertConfigToWritableLines(flink, false);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static final String LOG4J = String.join(
            "\n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = MainAppender",
            "appender.main.name = MainAppender",
            "appender.main.type = File",
            "appender.main.fileName = ${sys:log.file}",
            // a cluster started again in the same folder (./streamwatch cluster) starts its logs afresh
            "appender.main.append = false",
            "appender.main.layout.type = PatternLayout",
            "appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
            "logger.kafka.name = org.apache.kafka",
            "logger.kafka.level = WARN",
            "");
}
