package io.streamwatch.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A running Flink session cluster as its clients reach it: the REST API (what the web UI uses) and
 * the CLI ({@code flink run}), both found through the cluster's {@code conf/} folder. The cluster's
 * processes belong to whoever started them ({@link StandaloneCluster}); this is how another process,
 * such as a later {@code ./streamwatch cluster submit}, talks to it ({@link #attach}).
 *
 * <p>Waits that time out throw {@link IllegalStateException}: the local runner uses them too.
 */
public class SessionCluster {
    private static final String CLI = "org.apache.flink.client.cli.CliFrontend";
    private static final Pattern SUBMITTED = Pattern.compile("Job has been submitted with JobID ([0-9a-f]{32})");
    private static final List<String> TERMINAL = List.of("FAILED", "CANCELED", "FINISHED");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path workDir;
    /** the cluster's configuration as written to {@link #confDir()} */
    protected final Configuration flink;
    /** Flink's lib/: what the cluster's processes and the CLI run on */
    protected final String classpath;
    /** for the cluster's processes and the CLI, e.g. the secrets a job's {@code main()} reads */
    protected final Map<String, String> environment;

    private final URI restUrl;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** jar to the id the JobManager gave it: each jar is uploaded once, as in the web UI */
    private final Map<Path, String> uploadedJars = new LinkedHashMap<>();

    private int submissions;

    protected SessionCluster(Path workDir, Configuration flink, List<Path> classpath, Map<String, String> environment) {
        this.workDir = workDir;
        this.flink = flink;
        this.classpath = classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        this.environment = Map.copyOf(environment);
        this.restUrl = URI.create("http://" + flink.get(RestOptions.ADDRESS) + ":" + flink.get(RestOptions.PORT));
    }

    /**
     * The cluster a {@link StandaloneCluster} started in {@code workDir}, from another process.
     *
     * @param classpath Flink's lib/, for the CLI
     * @param environment variables for the CLI, e.g. the secrets a job's {@code main()} reads
     */
    public static SessionCluster attach(Path workDir, List<Path> classpath, Map<String, String> environment) {
        Path conf = workDir.resolve("conf");
        if (!Files.isRegularFile(conf.resolve(GlobalConfiguration.FLINK_CONF_FILENAME))) {
            throw new IllegalArgumentException("no Flink configuration in " + conf);
        }
        return new SessionCluster(
                workDir, GlobalConfiguration.loadConfiguration(conf.toString()), classpath, environment);
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
                        Files.readString(Path.of(file.trim())).trim().split(File.pathSeparator)) {
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

    /**
     * Submits with {@code flink run -d}, as the README says; returns the job id the CLI printed. The
     * CLI's output goes to {@code flink-run-N.out} in {@link #logDir()}; when it fails, the exception
     * names the cause it printed and that file.
     */
    public String submitWithCli(Path jar, List<String> programArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(javaOptions("client"));
        command.addAll(List.of("-cp", classpath));
        command.add("-Dlog4j.configurationFile=" + confDir().resolve("log4j.properties"));
        command.add("-Dlog.file=" + logDir().resolve("flink-client.log"));
        command.addAll(List.of(CLI, "run", "-d", jar.toString()));
        command.addAll(programArgs);
        Path out = logDir().resolve("flink-run-" + ++submissions + ".out");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(environment);
        pb.environment().put("FLINK_CONF_DIR", confDir().toString());
        Process cli = pb.start();
        String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = cli.waitFor();
        Files.createDirectories(logDir());
        Files.writeString(out, output);
        Matcher m = SUBMITTED.matcher(output);
        if (exit != 0 || !m.find()) {
            throw new IllegalStateException(
                    "flink run exited with " + exit + ": " + cause(output) + " (its whole output: " + out + ")");
        }
        return m.group(1);
    }

    /** The line of the CLI's output that says what went wrong: the deepest cause it printed. */
    private static String cause(String output) {
        List<String> lines = output.lines().map(String::strip).toList();
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith("Caused by: ")) return lines.get(i).substring("Caused by: ".length());
        }
        int header = lines.indexOf("The program finished with the following exception:");
        return lines.stream()
                .skip(header + 1L)
                .filter(l -> !l.isEmpty() && !l.startsWith("---"))
                .findFirst()
                .orElse("no output");
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

    /** Every job the cluster knows ({@code GET /jobs/overview}): id, name, state, start time, ... */
    public List<JsonNode> jobs() {
        List<JsonNode> jobs = new ArrayList<>();
        get("/jobs/overview").path("jobs").forEach(jobs::add);
        return jobs;
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
        if (TERMINAL.contains(jobState(jobId))) return;
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
        Await.orFail(
                "job " + jobId + " cancelled",
                Duration.ofSeconds(60),
                () -> TERMINAL.contains(jobState(jobId)),
                () -> jobState(jobId));
    }

    /** Cancels every job that has not ended; their retained checkpoints stay. */
    public void cancelRunningJobs() {
        for (JsonNode job : jobs()) {
            if (!TERMINAL.contains(job.path("state").asText()))
                cancelIfRunning(job.path("jid").asText());
        }
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
        Await.orFail(
                "all tasks of job " + jobId + " running",
                timeout,
                () -> allTasksRunning(jobId),
                () -> describeJob(jobId));
        JsonNode trigger = post(
                "/jobs/" + jobId + "/stop",
                Map.of("targetDirectory", directory.toUri().toString(), "drain", drain, "formatType", "CANONICAL"));
        String triggerId = trigger.path("request-id").asText();
        String[] location = new String[1];
        Await.orFail(
                "the savepoint of job " + jobId,
                timeout,
                () -> {
                    JsonNode status = get("/jobs/" + jobId + "/savepoints/" + triggerId);
                    if (!"COMPLETED".equals(status.path("status").path("id").asText())) return false;
                    JsonNode operation = status.path("operation");
                    if (operation.has("failure-cause")) {
                        throw new IllegalStateException("savepoint of job " + jobId + " failed: "
                                + operation
                                        .path("failure-cause")
                                        .path("stack-trace")
                                        .asText());
                    }
                    location[0] = operation.path("location").asText();
                    return true;
                },
                () -> "no savepoint yet");
        Await.orFail(
                "job " + jobId + " to stop", timeout, () -> "FINISHED".equals(jobState(jobId)), () -> jobState(jobId));
        return location[0];
    }

    /** Waits until the job is in {@code state}; fails at once, with the root cause, when it ends otherwise. */
    public void awaitJobState(String jobId, String state, Duration timeout) {
        Await.orFail(
                "job " + jobId + " " + state,
                timeout,
                () -> {
                    String now = jobState(jobId);
                    if (!now.equals(state) && TERMINAL.contains(now)) {
                        throw new IllegalStateException("job " + jobId + " is " + now + ", expected " + state
                                + "; root cause: "
                                + get("/jobs/" + jobId + "/exceptions")
                                        .path("rootException")
                                        .asText());
                    }
                    return now.equals(state);
                },
                () -> describeJob(jobId));
    }

    public JsonNode get(String path) {
        return getOptional(path)
                .orElseThrow(() ->
                        new IllegalStateException("GET " + path + " failed; is the cluster up? logs in " + logDir()));
    }

    /** The answer to a GET, or empty if the cluster does not answer it (yet) with 200. */
    public Optional<JsonNode> getOptional(String path) {
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
        try (Stream<Path> logs = Files.list(logDir())) {
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

    /** The JVM options the configuration gives a role (jobmanager, taskmanager, client), as Flink's scripts read them. */
    protected List<String> javaOptions(String role) {
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

    protected static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
