package io.streamwatch.local;

import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.testkit.EmbeddedKafka;
import io.streamwatch.testkit.EmbeddedPostgresServer;
import io.streamwatch.testkit.StandaloneCluster;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./streamwatch cluster start}: starts, in the background, a supervisor process (this command
 * again, with {@code --foreground}) that runs PostgreSQL and Kafka and starts the Flink processes, and
 * returns once all are up. The supervisor writes what it started to {@code cluster.properties}, which
 * the other subcommands read, and stops it all on SIGTERM ({@code cluster stop}) or Ctrl-C.
 */
@Command(
        name = "start",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Starts PostgreSQL, Kafka (topic 'events'), a Flink JobManager and TaskManagers in the background, configured from conf/flink/config.yaml, and returns once all are up; they run until ./streamwatch cluster stop.")
final class ClusterStart implements Callable<Integer> {
    static final String TOPIC = "events";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    /** Flink's own stop script waits about as long before it kills */
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    @Mixin
    Cluster.Folder folder;

    @Mixin
    WebUiOption webUi;

    @Option(
            names = "--taskmanagers",
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "TaskManager processes, each with the slots conf/flink/config.yaml gives it (default: ${DEFAULT-VALUE})")
    int taskManagers;

    @Option(
            names = "--flink-config",
            paramLabel = "FILE",
            description =
                    "the cluster's Flink configuration, a config.yaml (default: conf/flink/config.yaml of this checkout); ports, addresses and storage paths are set over it")
    Path flinkConfig;

    @Option(
            names = "--traffic",
            description =
                    "feed the topic with the demo's synthetic traffic until the cluster stops (or for --duration), shaped by the flags below; windows as in conf/local.yaml")
    boolean traffic;

    @Mixin
    TrafficOptions trafficOptions;

    @Option(
            names = "--foreground",
            description = "run the cluster in this terminal until Ctrl-C instead of in the background")
    boolean foreground;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // first: the checks below load classes whose loggers would start logging elsewhere
        folder.logAs(foreground ? "supervisor" : "start");
        requireNoneRunning();
        TrafficOptions.atLeast("taskmanagers", taskManagers, 1);
        TrafficOptions.atLeast("partitions", trafficOptions.partitions, 1);
        int webPort = webUi.port();
        if (webPort != 0) LocalFlink.requireFree(webPort);
        Path conf = flinkConfig();
        Cluster.flinkLib();
        Generator.Settings trafficSettings = trafficSettings();
        if (foreground) {
            serve(webPort, conf, trafficSettings);
            return 0;
        }
        return startInBackground();
    }

    /** One line if a cluster runs in the folder, or left processes behind; else clears a stale state file. */
    private void requireNoneRunning() throws IOException {
        Optional<ClusterState> state = ClusterState.read(folder.stateFile());
        if (state.isEmpty()) return;
        if (state.get().supervisor().running().isPresent()) {
            throw new LauncherException("a cluster is already running in "
                    + folder.dir().root() + " (web UI " + state.get().webUi()
                    + "): ./streamwatch cluster status tells more, ./streamwatch cluster stop stops it");
        }
        if (!state.get().running().isEmpty()) {
            throw new LauncherException(
                    "the cluster in " + folder.dir().root()
                            + " was not stopped cleanly and some of its processes still run: ./streamwatch cluster stop ends them");
        }
        Files.delete(folder.stateFile());
    }

    private Path flinkConfig() {
        Path conf = flinkConfig != null ? flinkConfig : Launcher.home().resolve("conf/flink/config.yaml");
        if (!Files.isRegularFile(conf) || !conf.getFileName().toString().equals("config.yaml")) {
            throw new LauncherException("--flink-config: " + conf.toAbsolutePath() + " is not a Flink config.yaml");
        }
        return conf.toAbsolutePath();
    }

    /** The generator's settings, checked now; null without --traffic. Windows as the job's conf/local.yaml has them. */
    private Generator.Settings trafficSettings() {
        if (!traffic) return null;
        StreamwatchConfig job = Demo.config(
                StreamwatchConfig.readYaml(ClusterSubmit.defaultJobConfig()),
                "localhost:9092",
                TOPIC,
                "jdbc:postgresql://localhost/cluster",
                folder.dir());
        return trafficOptions.settings(
                job.aggregation().size(), job.aggregation().allowedLateness());
    }

    /**
     * Runs this command again with {@code --foreground} as a process of its own (immune to the
     * terminal's hang-up, as Flink's daemon script starts its processes) and waits until it has
     * written the cluster's state, or ended.
     */
    private int startInBackground() throws Exception {
        Path out = folder.logDir().resolve("supervisor.out");
        Files.createDirectories(out.getParent());
        System.out.println("Starting a Flink cluster with Kafka and PostgreSQL in "
                + folder.dir().root() + " ...");
        long started = System.nanoTime();
        Process supervisor = new ProcessBuilder(supervisorCommand())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        long deadline = started + START_TIMEOUT.toNanos();
        Optional<ClusterState> state;
        while ((state = ClusterState.read(folder.stateFile())
                        .filter(s -> s.supervisor().pid() == supervisor.pid()))
                .isEmpty()) {
            if (!supervisor.isAlive()) {
                String said = lastLine(out);
                String prefix = "streamwatch cluster start: ";
                if (supervisor.exitValue() == Launcher.USAGE && said.startsWith(prefix)) {
                    throw new LauncherException(said.substring(prefix.length()));
                }
                throw new IllegalStateException("the cluster did not start (exit code " + supervisor.exitValue() + "): "
                        + said + "; logs in " + folder.logDir());
            }
            if (System.nanoTime() > deadline) {
                supervisor.destroy();
                throw new IllegalStateException("the cluster did not start within " + START_TIMEOUT.toMinutes()
                        + " min; it was stopped; logs in " + folder.logDir());
            }
            Thread.sleep(200);
        }
        System.out.print(ClusterStatus.describe(state.get(), folder));
        System.out.printf(
                "Started in %.1f s. Next: ./streamwatch cluster submit, then status; stop ends it all.%n",
                (System.nanoTime() - started) / 1e9);
        return 0;
    }

    /** This JVM's command line with {@code --foreground}: same classpath, flags and working directory. */
    private List<String> supervisorCommand() {
        List<String> command = new ArrayList<>();
        onPath("nohup").ifPresent(command::add);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib:jdwp"))
                .forEach(command::add);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Launcher.class.getName()));
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        command.addAll(args.subList(args.indexOf("start") - 1, args.size()));
        command.add("--foreground");
        return command;
    }

    private static Optional<String> onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) return Optional.of(candidate.toString());
        }
        return Optional.empty();
    }

    private static String lastLine(Path file) throws IOException {
        List<String> lines =
                Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty()
                ? "it printed nothing"
                : lines.get(lines.size() - 1).strip();
    }

    /**
     * The supervisor: PostgreSQL, Kafka, the Flink processes and the traffic, until SIGTERM or
     * Ctrl-C; then all of it stopped in the reverse order, the jobs cancelled first.
     */
    private void serve(int webPort, Path conf, Generator.Settings trafficSettings) throws Exception {
        DataDir data = folder.dir();
        Console console = Console.system();
        StopSignal stop =
                StopSignal.install(console, "Stopping the cluster: jobs, TaskManagers, JobManager, Kafka, PostgreSQL");
        try (RandomAccessFile lockFile =
                        new RandomAccessFile(data.root().resolve("cluster.lock").toFile(), "rw");
                FileLock lock = lockFile.getChannel().tryLock()) {
            if (lock == null) throw new LauncherException("a cluster is already starting in " + data.root());
            long started = System.currentTimeMillis();
            String database = DataDir.newRunId();
            // each start reads its own topic from the start; earlier runs' tables stay in PostgreSQL
            DataDir.deleteRecursively(data.kafka());
            try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.startIn(data.postgres());
                    EmbeddedKafka kafka = EmbeddedKafka.start(data.kafka(), false);
                    KafkaTraffic topic = KafkaTraffic.open(kafka.bootstrapServers(), TOPIC, trafficOptions.partitions);
                    StandaloneCluster flink = StandaloneCluster.start(
                            data.root(),
                            Cluster.flinkLib(),
                            conf,
                            flinkSettings(webPort, data),
                            Cluster.ENVIRONMENT,
                            taskManagers)) {
                String jdbcUrl = postgres.createDatabase(database);
                try {
                    ClusterState state = new ClusterState(
                            members(flink, data),
                            flink.restUrl().toString(),
                            kafka.bootstrapServers(),
                            TOPIC,
                            jdbcUrl,
                            postgres.port(),
                            database,
                            trafficSettings == null
                                    ? "none"
                                    : String.format("the demo's, %.0f points/s", trafficSettings.rate()),
                            started);
                    state.write(folder.stateFile());
                    console.println("Cluster up; Ctrl-C (or ./streamwatch cluster stop) stops it.");
                    if (trafficSettings != null) {
                        TrafficLoop.EventClock clock =
                                TrafficLoop.EventClock.startingBehind(trafficOptions.backfill(), trafficOptions.speed);
                        Generator generator =
                                trafficOptions.generator(trafficSettings, trafficOptions.recorded(), clock);
                        TrafficLoop.run(generator, topic, clock, trafficOptions.duration, stop, () -> {});
                        topic.flush();
                    }
                    while (!stop.await(Duration.ofDays(1))) {
                        // serves until asked to stop
                    }
                } finally {
                    List<String> killed = flink.stop(STOP_GRACE);
                    if (!killed.isEmpty()) console.println("Killed after " + STOP_GRACE.toSeconds() + " s: " + killed);
                }
            } finally {
                Files.deleteIfExists(folder.stateFile());
            }
        }
    }

    /** Over conf/flink/config.yaml: the web UI's port, and checkpoints and savepoints in the cluster's folder. */
    private static Map<String, String> flinkSettings(int webPort, DataDir data) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (webPort != 0) settings.put("rest.port", String.valueOf(webPort));
        settings.put("execution.checkpointing.dir", data.checkpoints().toUri().toString());
        settings.put(
                "execution.checkpointing.savepoint-dir",
                data.savepoints().toUri().toString());
        return settings;
    }

    private static List<ClusterState.Member> members(StandaloneCluster flink, DataDir data) throws IOException {
        List<ClusterState.Member> members = new ArrayList<>();
        members.add(ClusterState.Member.of(
                ClusterState.SUPERVISOR,
                ProcessHandle.current(),
                Path.of(System.getProperty(Launcher.LOG_FILE_PROPERTY))));
        for (StandaloneCluster.Member m : flink.members()) {
            members.add(ClusterState.Member.of(m.name(), m.process().toHandle(), m.log()));
        }
        // the server's pid is the first line of its lock file
        long postmaster = Long.parseLong(Files.readAllLines(data.postgres().resolve("postmaster.pid"))
                .get(0)
                .strip());
        ProcessHandle.of(postmaster).ifPresent(p -> members.add(ClusterState.Member.of("postgres", p, null)));
        return members;
    }
}
