package io.streamwatch.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ConfigurationUtils;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A Flink session cluster on this machine as users run one: a JobManager and TaskManagers, each
 * its own JVM, started the way Flink's scripts start them ({@code jobmanager.sh}, {@code taskmanager.sh})
 * but from a classpath of Maven artifacts, since flink-dist is not on Maven Central. The memory flags
 * come from Flink's own {@code BashJavaUtils}, so the processes are sized as the scripts would size them.
 *
 * <p>The configuration is a {@code config.yaml} (such as {@code conf/flink/config.yaml}) with the
 * given overrides and free ports for REST and RPC written over it; it lands in {@link #confDir()},
 * where the CLI finds it as well. Logs go to {@link #logDir()}.
 */
public final class StandaloneCluster implements AutoCloseable {
    private static final String ENTRYPOINT = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final String CLI = "org.apache.flink.client.cli.CliFrontend";
    private static final String BASH_JAVA_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";
    private static final Pattern SUBMITTED = Pattern.compile("Job has been submitted with JobID ([0-9a-f]{32})");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path workDir;
    private final Configuration flink;
    private final String classpath;
    private final Map<String, String> environment;
    private final URI restUrl;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Process jobManager;
    /** computed once: a TaskManager started after a kill must not wait for another JVM to size it */
    private final List<String> taskManagerFlags;

    private final List<Process> taskManagers = new ArrayList<>();
    /** jar to the id the JobManager gave it: each jar is uploaded once, as in the web UI */
    private final Map<Path, String> uploadedJars = new LinkedHashMap<>();

    private int processesStarted;

    private StandaloneCluster(
            Path workDir, Configuration flink, String classpath, Map<String, String> environment, int restPort)
            throws IOException {
        this.workDir = workDir;
        this.flink = flink;
        this.classpath = classpath;
        this.environment = environment;
        this.restUrl = URI.create("http://localhost:" + restPort);
        Files.createDirectories(logDir());
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
     * @param overrides Flink keys written over the base configuration
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
        int restPort = freePort();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("rest.port", String.valueOf(restPort));
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
        Files.write(confDir.resolve(GlobalConfiguration.FLINK_CONF_FILENAME), configLines(flink));
        Files.writeString(confDir.resolve("log4j.properties"), LOG4J);
        String cp = classpath.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator));
        StandaloneCluster cluster = new StandaloneCluster(workDir, flink, cp, Map.copyOf(environment), restPort);
        try {
            for (int i = 0; i < taskManagers; i++) cluster.startTaskManager();
            cluster.awaitTaskManagers(taskManagers, Duration.ofSeconds(90));
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /**
     * Reads classpath files as {@code dependency:build-classpath} writes them.
     *
     * @param files comma-separated, e.g. the {@code flink.lib} system property the build sets
     */
    public static List<Path> readClasspath(String files) {
        List<Path> entries = new ArrayList<>();
        for (String file : files.split(",")) {
            try {
                for (String entry :
                        Files.readString(Path.of(file.trim())).trim().split(java.io.File.pathSeparator)) {
                    if (!entry.isBlank()) entries.add(Path.of(entry));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot read the Flink cluster's classpath file " + file + " (mvn verify writes it)", e);
            }
        }
        return entries;
    }

    public URI restUrl() {
        return restUrl;
    }

    public Path confDir() {
        return workDir.resolve("conf");
    }

    public Path logDir() {
        return workDir.resolve("log");
    }

    /** Starts one more TaskManager and returns at once; see {@link #awaitTaskManagers}. */
    public void startTaskManager() {
        taskManagers.add(launch("taskmanager", TASK_MANAGER, taskManagerFlags));
    }

    /** {@code kill -9} of the oldest TaskManager still alive: no shutdown hook, no goodbye to the JobManager. */
    public void killTaskManager() throws InterruptedException {
        Process victim = taskManagers.stream()
                .filter(Process::isAlive)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no TaskManager is running"));
        victim.destroyForcibly(); // SIGKILL on Linux
        if (!victim.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("TaskManager " + victim.pid() + " did not die on SIGKILL");
        }
        taskManagers.remove(victim);
    }

    public void awaitTaskManagers(int count, Duration timeout) {
        Await.until(count + " TaskManager(s) registered", timeout, () -> registeredTaskManagers() == count, () -> {
            assertProcessesAlive();
            return registeredTaskManagers() + " registered";
        });
    }

    private int registeredTaskManagers() {
        return getOptional("/taskmanagers")
                .map(n -> n.path("taskmanagers").size())
                .orElse(-1);
    }

    /** Submits with {@code flink run -d}, as the README says; returns the job id the CLI printed. */
    public String submitWithCli(Path jar, List<String> programArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(javaOptions("client"));
        command.addAll(List.of("-cp", classpath));
        command.add("-Dlog4j.configurationFile=" + confDir().resolve("log4j.properties"));
        command.add("-Dlog.file=" + logDir().resolve("flink-client.log"));
        command.addAll(List.of(CLI, "run", "-d", jar.toString()));
        command.addAll(programArgs);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(environment);
        pb.environment().put("FLINK_CONF_DIR", confDir().toString());
        Process cli = pb.start();
        String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = cli.waitFor();
        Matcher m = SUBMITTED.matcher(output);
        if (exit != 0 || !m.find()) {
            throw new IllegalStateException("flink run exited with " + exit + ":\n" + output);
        }
        return m.group(1);
    }

    /**
     * Uploads the jar ({@code POST /jars/upload}, once per jar) and runs it ({@code POST /jars/:id/run}); the
     * program's {@code main()} runs in the JobManager.
     *
     * @param savepoint a savepoint to start from, or null
     */
    public String submitWithRest(Path jar, List<String> programArgs, String savepoint)
            throws IOException, InterruptedException {
        String jarId = uploadedJars.get(jar);
        if (jarId == null) {
            jarId = upload(jar);
            uploadedJars.put(jar, jarId);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("programArgsList", programArgs);
        if (savepoint != null) body.put("savepointPath", savepoint);
        JsonNode run = post("/jars/" + jarId + "/run", body);
        return run.path("jobid").asText();
    }

    private String upload(Path jar) throws IOException, InterruptedException {
        String boundary = "streamwatch-" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                        + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> upload = http.send(
                HttpRequest.newBuilder(restUrl.resolve("/jars/upload"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.concat(
                                HttpRequest.BodyPublishers.ofByteArray(head),
                                HttpRequest.BodyPublishers.ofFile(jar),
                                HttpRequest.BodyPublishers.ofByteArray(tail)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode uploaded = check("/jars/upload", upload);
        return Path.of(uploaded.path("filename").asText()).getFileName().toString();
    }

    /** The job's state as the REST API reports it: CREATED, RUNNING, RESTARTING, FINISHED, ... */
    public String jobState(String jobId) {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** The job's details ({@code GET /jobs/:id}): state, and each vertex's status and task counts. */
    public JsonNode jobDetails(String jobId) {
        return get("/jobs/" + jobId);
    }

    /** True when the job is RUNNING and every task of every vertex is too (deployed, restored, processing). */
    public boolean allTasksRunning(String jobId) {
        JsonNode job = jobDetails(jobId);
        if (!"RUNNING".equals(job.path("state").asText())) return false;
        for (JsonNode vertex : job.path("vertices")) {
            if (vertex.path("tasks").path("RUNNING").asInt()
                    != vertex.path("parallelism").asInt()) return false;
        }
        return true;
    }

    /** The job's state and each vertex's task counts by state, for messages. */
    public String describeJob(String jobId) {
        JsonNode job = jobDetails(jobId);
        StringBuilder out = new StringBuilder(job.path("state").asText());
        for (JsonNode vertex : job.path("vertices")) {
            out.append("; ").append(vertex.path("name").asText()).append(':');
            vertex.path("tasks").fields().forEachRemaining(e -> {
                if (e.getValue().asInt() > 0)
                    out.append(' ').append(e.getKey()).append('=').append(e.getValue());
            });
        }
        return out.toString();
    }

    /** Cancels the job if it is still running, e.g. after a test failed halfway, so that it frees its slots. */
    public void cancelIfRunning(String jobId) {
        if (List.of("FAILED", "CANCELED", "FINISHED").contains(jobState(jobId))) return;
        try {
            http.send(
                    HttpRequest.newBuilder(restUrl.resolve("/jobs/" + jobId + "?mode=cancel"))
                            .method("PATCH", HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("cancelling job " + jobId, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Await.until(
                "job " + jobId + " cancelled",
                Duration.ofSeconds(60),
                () -> List.of("FAILED", "CANCELED", "FINISHED").contains(jobState(jobId)));
    }

    /**
     * When the job last entered {@code state} (epoch milliseconds, the JobManager's clock), or 0 if
     * it never did: {@code GET /jobs/:id} keeps one timestamp per state.
     */
    public long lastEntered(String jobId, String state) {
        return jobDetails(jobId).path("timestamps").path(state).asLong();
    }

    /** A job-level metric, e.g. {@code numRestarts}, or -1 while the JobManager does not have it yet. */
    public long jobMetric(String jobId, String metric) {
        JsonNode values = get("/jobs/" + jobId + "/metrics?get=" + metric);
        for (JsonNode v : values) {
            if (metric.equals(v.path("id").asText()))
                return (long) Double.parseDouble(v.path("value").asText());
        }
        return -1;
    }

    /** Completed checkpoints of the job so far. */
    public long completedCheckpoints(String jobId) {
        return get("/jobs/" + jobId + "/checkpoints")
                .path("counts")
                .path("completed")
                .asLong();
    }

    /**
     * Stops the job with a savepoint into {@code directory} and waits for it; with {@code drain} the
     * sources first send the final watermark, so every window and timer fires, as at the end of a
     * bounded input. Returns the savepoint's path.
     */
    public String stopWithSavepoint(String jobId, Path directory, boolean drain, Duration timeout) {
        // Flink refuses a savepoint while a task is still being deployed or restored
        Await.until(
                "all tasks of job " + jobId + " running",
                timeout,
                () -> allTasksRunning(jobId),
                () -> describeJob(jobId));
        JsonNode trigger = post(
                "/jobs/" + jobId + "/stop",
                Map.of("targetDirectory", directory.toUri().toString(), "drain", drain, "formatType", "CANONICAL"));
        String triggerId = trigger.path("request-id").asText();
        String[] location = new String[1];
        Await.until("the savepoint of job " + jobId, timeout, () -> {
            JsonNode status = get("/jobs/" + jobId + "/savepoints/" + triggerId);
            if (!"COMPLETED".equals(status.path("status").path("id").asText())) return false;
            JsonNode operation = status.path("operation");
            if (operation.has("failure-cause")) {
                throw new IllegalStateException("savepoint of job " + jobId + " failed: "
                        + operation.path("failure-cause").path("stack-trace").asText());
            }
            location[0] = operation.path("location").asText();
            return true;
        });
        Await.until(
                "job " + jobId + " to stop", timeout, () -> "FINISHED".equals(jobState(jobId)), () -> jobState(jobId));
        return location[0];
    }

    /** Waits until the job is in {@code state}; fails at once when it ends otherwise. */
    public void awaitJobState(String jobId, String state, Duration timeout) {
        Await.until("job " + jobId + " " + state, timeout, () -> {
            String now = jobState(jobId);
            if (!now.equals(state) && List.of("FAILED", "CANCELED", "FINISHED").contains(now)) {
                throw new AssertionError("job " + jobId + " is " + now + ", expected " + state + "; root cause: "
                        + get("/jobs/" + jobId + "/exceptions")
                                .path("rootException")
                                .asText());
            }
            return now.equals(state);
        });
    }

    public JsonNode get(String path) {
        return getOptional(path)
                .orElseThrow(() ->
                        new IllegalStateException("GET " + path + " failed; is the cluster up? logs in " + logDir()));
    }

    private Optional<JsonNode> getOptional(String path) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(restUrl.resolve(path))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(JSON.readTree(response.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private JsonNode post(String path, Object body) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(restUrl.resolve(path))
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofMinutes(2))
                            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return check(path, response);
        } catch (IOException e) {
            throw new UncheckedIOException("POST " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during POST " + path, e);
        }
    }

    private static JsonNode check(String path, HttpResponse<String> response) throws IOException {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** The lines of every process's log that contain {@code text}, e.g. " ERROR ". */
    public List<String> logLines(String text) {
        try (java.util.stream.Stream<Path> logs = Files.list(logDir())) {
            List<String> lines = new ArrayList<>();
            for (Path log :
                    logs.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
                Files.readAllLines(log).stream()
                        .filter(l -> l.contains(text))
                        .forEach(l -> lines.add(log.getFileName() + ": " + l));
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills every process of the cluster; there is nothing to keep. */
    @Override
    public void close() {
        List<Process> all = new ArrayList<>(taskManagers);
        all.add(jobManager);
        for (Process p : all) p.destroyForcibly();
        for (Process p : all) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void assertProcessesAlive() {
        if (!jobManager.isAlive()) {
            throw new IllegalStateException("the JobManager exited with " + jobManager.exitValue() + "; see "
                    + logDir().resolve("jobmanager-0.log") + " and .out");
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
    private Process launch(String role, String mainClass, List<String> flags) {
        int separator = flags.indexOf("--");
        String name = role + "-" + processesStarted++;
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(javaOptions(role));
        command.addAll(flags.subList(0, separator));
        command.add("-Dlog.file=" + logDir().resolve(name + ".log"));
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
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + role, e);
        }
    }

    /** The JVM options the configuration gives a role (jobmanager, taskmanager, client), as Flink's scripts read them. */
    private List<String> javaOptions(String role) {
        List<String> options = new ArrayList<>();
        for (String key : List.of(
                "env.java.default-opts.all",
                "env.java.opts.all",
                "env.java.default-opts." + role,
                "env.java.opts." + role)) {
            String value = flink.toMap().getOrDefault(key, "").trim();
            if (!value.isEmpty()) options.addAll(List.of(value.split("\\s+")));
        }
        return options;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
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
            "appender.main.layout.type = PatternLayout",
            "appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
            "logger.kafka.name = org.apache.kafka",
            "logger.kafka.level = WARN",
            "");
}
