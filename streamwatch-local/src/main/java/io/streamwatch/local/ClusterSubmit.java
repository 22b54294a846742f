package io.streamwatch.local;

import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.testkit.SessionCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code ./streamwatch cluster submit}: the shaded job jar, the artifact users deploy, submitted with
 * {@code flink run -d} as the README shows, its configuration pointed at the cluster's Kafka topic and
 * database. {@code main()} runs in the CLI's JVM, as with {@code flink run} anywhere.
 */
@Command(
        name = "submit",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        customSynopsis =
                "./streamwatch cluster submit [--jar FILE] [--config FILE] [--some.key value ...] [--data DIR]",
        description =
                "Submits the job jar (streamwatch-job/target/streamwatch-job-*.jar, built first when it is missing or older than the job's sources) with flink run -d, reading the cluster's topic and writing its database; returns once the job is RUNNING. --config (default conf/local.yaml) and --some.key value set the job's configuration as for the jar.")
final class ClusterSubmit implements Callable<Integer> {
    private static final Duration RUNNING_TIMEOUT = Duration.ofMinutes(2);
    private static final String BUILD = "mvn -q -B -DskipTests -pl streamwatch-job -am package";

    @Mixin
    Cluster.Folder folder;

    @Option(names = "--jar", paramLabel = "FILE", description = "submit this jar instead (never built)")
    Path jar;

    /** --config FILE and --some.key value: the job's own arguments. */
    @Unmatched
    List<String> jobArguments = new ArrayList<>();

    /** The job settings the cluster's job runs with unless --config names others: the demo's. */
    static Path defaultJobConfig() {
        return Launcher.home().resolve("conf/local.yaml");
    }

    @Override
    public Integer call() throws Exception {
        folder.logAs("submit");
        ClusterState state = folder.requireRunning();
        List<String> arguments = arguments(state);
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.putAll(Cluster.ENVIRONMENT);
        // a mistake in the settings costs one line here, not a stack trace from flink run
        StreamwatchConfig config = StreamwatchConfig.fromArgs(arguments.toArray(String[]::new), environment);
        SessionCluster flink = folder.session();
        for (JsonNode job : flink.jobs()) {
            if (job.path("name").asText().equals(config.jobName())
                    && job.path("end-time").asLong() < 0) {
                throw new LauncherException("job " + config.jobName() + " is already "
                        + job.path("state").asText()
                        + " (" + job.path("jid").asText() + "); cancel it in the web UI (" + state.webUi()
                        + "), or stop the cluster, first");
            }
        }
        Path jarFile = jar != null ? requireFile(jar) : jobJar();
        System.out.println("Submitting " + jarFile + " with flink run -d ...");
        long submitted = System.nanoTime();
        String id = flink.submitWithCli(jarFile, arguments);
        flink.awaitJobState(id, "RUNNING", RUNNING_TIMEOUT);
        System.out.printf(
                "Job %s (%s) RUNNING %.1f s after submission: %s/#/job/running/%s/overview%n",
                config.jobName(), id, (System.nanoTime() - submitted) / 1e9, state.webUi(), id);
        return 0;
    }

    /** The job's arguments: the settings file, the cluster's topic and database, then the user's own (which win). */
    private List<String> arguments(ClusterState state) {
        List<String> arguments = new ArrayList<>();
        boolean ownConfig = jobArguments.stream().anyMatch(a -> a.equals("--config") || a.startsWith("--config="));
        if (!ownConfig) arguments.addAll(List.of("--config", defaultJobConfig().toString()));
        Demo.localSettings(state.kafka(), state.topic(), state.jdbcUrl())
                .forEach((key, value) -> arguments.addAll(List.of("--" + key, value)));
        arguments.addAll(jobArguments);
        return arguments;
    }

    private static Path requireFile(Path jar) {
        if (!Files.isRegularFile(jar)) throw new LauncherException("--jar: no file " + jar.toAbsolutePath());
        return jar.toAbsolutePath();
    }

    /** The shaded jar of this checkout, built first when it is missing or older than what goes into it. */
    private Path jobJar() throws IOException, InterruptedException {
        Path module = Launcher.home().resolve("streamwatch-job");
        Optional<Path> built = shadedJar(module.resolve("target"));
        if (built.isPresent() && !olderThanSources(built.get(), module)) return built.get();
        Path log = folder.logDir().resolve("build.log");
        System.out.println("Building the job jar (" + BUILD + "; output in " + log + ") ...");
        Process build;
        try {
            build = new ProcessBuilder(BUILD.split(" "))
                    .directory(Launcher.home().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new LauncherException("the job jar is missing or older than its sources, and 'mvn' is not on the"
                    + " PATH to build it: run mvn package -DskipTests -pl streamwatch-job -am, or pass --jar FILE");
        }
        if (build.waitFor() != 0) {
            throw new IllegalStateException("building the job jar failed; Maven's output is in " + log);
        }
        return shadedJar(module.resolve("target"))
                .orElseThrow(
                        () -> new IllegalStateException("the build made no job jar in " + module.resolve("target")));
    }

    /** streamwatch-job-VERSION.jar, the shaded one: not the original-, -sources or -tests jars. */
    private static Optional<Path> shadedJar(Path target) throws IOException {
        if (!Files.isDirectory(target)) return Optional.empty();
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> {
                        String name = p.getFileName().toString();
                        return name.startsWith("streamwatch-job-")
                                && name.endsWith(".jar")
                                && !name.endsWith("-sources.jar")
                                && !name.endsWith("-tests.jar");
                    })
                    .max(Comparator.comparing(ClusterSubmit::modified));
        }
    }

    private static boolean olderThanSources(Path jar, Path module) throws IOException {
        FileTime built = modified(jar);
        List<Path> inputs = new ArrayList<>(
                List.of(module.resolve("pom.xml"), Launcher.home().resolve("pom.xml")));
        try (Stream<Path> sources = Files.walk(module.resolve("src/main"))) {
            sources.filter(Files::isRegularFile).forEach(inputs::add);
        }
        return inputs.stream().anyMatch(p -> modified(p).compareTo(built) > 0);
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
