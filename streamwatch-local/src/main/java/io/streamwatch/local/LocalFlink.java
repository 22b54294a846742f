package io.streamwatch.local;

import io.streamwatch.JobEnvironment;
import io.streamwatch.StreamwatchJob;
import io.streamwatch.config.StreamwatchConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink cluster in this JVM (one TaskManager, two slots) with the web UI on localhost, running
 * the production job wiring ({@link StreamwatchJob#prepareDatabase}, {@link StreamwatchJob#wire}).
 * Its metrics are read in-process through {@link LocalMetrics}.
 */
public final class LocalFlink implements AutoCloseable {
    public static final int PARALLELISM = 2;
    /** A job that restarts once at the end is running again within seconds: exponential backoff from 1 s. */
    static final Duration DRAIN_PATIENCE = Duration.ofSeconds(30);

    private static final Duration DRAIN_RETRY = Duration.ofSeconds(1);
    private static final Duration TASK_MANAGER_REGISTRATION = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(LocalFlink.class);

    private final MiniCluster cluster;
    private final LocalMetrics.Board metrics;
    private final URI webUi;
    private JobID job;
    private volatile JobHealth lastLogged;

    private LocalFlink(MiniCluster cluster, LocalMetrics.Board metrics, URI webUi) {
        this.cluster = cluster;
        this.metrics = metrics;
        this.webUi = webUi;
    }

    /** @param webPort the web UI's port; 0 picks a free one */
    public static LocalFlink start(int webPort) throws Exception {
        if (webPort != 0) requireFree(webPort);
        Configuration flink = new Configuration();
        flink.set(RestOptions.ADDRESS, "localhost");
        flink.set(RestOptions.BIND_ADDRESS, "localhost");
        flink.set(RestOptions.PORT, webPort);
        String logFile = System.getProperty(Launcher.LOG_FILE_PROPERTY);
        // the web UI's "Logs" tab shows the launcher's log file
        if (logFile != null) flink.setString("web.log.path", logFile);
        LocalMetrics.Board metrics = LocalMetrics.attach(flink);
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(flink)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(PARALLELISM)
                .build());
        cluster.start();
        URI rest = cluster.getRestAddress().get(30, TimeUnit.SECONDS);
        return new LocalFlink(cluster, metrics, URI.create("http://localhost:" + rest.getPort()));
    }

    static void requireFree(int port) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getByName("localhost"))) {
            probe.setReuseAddress(true);
        } catch (IOException e) {
            throw new LauncherException("port " + port + " for the Flink web UI is taken; stop what uses it,"
                    + " or pass --web-port N (0 = any free port)");
        }
    }

    /**
     * Checks explicit offsets against the broker and prepares the database as the job does, then
     * submits the job with parallelism 2; returns once it runs.
     */
    public JobID submit(StreamwatchConfig config) throws Exception {
        StreamwatchJob.checkSourceOffsets(config);
        StreamwatchJob.prepareDatabase(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironment.configure(env, config);
        env.setParallelism(config.parallelism() > 0 ? config.parallelism() : PARALLELISM);
        StreamwatchJob.wire(env, config);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(config.jobName());
        return submit(graph);
    }

    /** Submits a job; returns once it runs. */
    JobID submit(StreamGraph graph) throws Exception {
        submitWithoutWaiting(graph);
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        JobStatus status;
        while ((status = cluster.getJobStatus(job).get()) != JobStatus.RUNNING) {
            if (status.isGloballyTerminalState() || System.nanoTime() > deadline) {
                throw new JobTroubleException("the job did not start", health());
            }
            Thread.sleep(100);
        }
        return job;
    }

    /** Submits a job and returns at once: for a job that may fail for good before it is seen running. */
    JobID submitWithoutWaiting(StreamGraph graph) throws Exception {
        job = cluster.submitJob(graph).get().getJobID();
        return job;
    }

    /**
     * Stops the job with a savepoint after advancing event time to the end: every window still open
     * fires and every sink flushes, so the tables hold all the job has read. A job that is restarting
     * cannot take a savepoint: the drain is tried again for {@link #DRAIN_PATIENCE}, then given up
     * with what keeps the job from running.
     */
    public void drain(Path savepoints) throws Exception {
        drain(savepoints, DRAIN_PATIENCE);
    }

    void drain(Path savepoints, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                cluster.stopWithSavepoint(job, savepoints.toUri().toString(), true, SavepointFormatType.CANONICAL)
                        .get();
                break;
            } catch (ExecutionException e) {
                JobHealth health = health();
                if (health.state().isGloballyTerminalState() || System.nanoTime() > deadline) {
                    JobTroubleException trouble = health.troubled()
                            ? new JobTroubleException("could not drain the job", health)
                            : new JobTroubleException(
                                    "could not drain the job (" + JobHealth.rootCause(e) + ")", health);
                    trouble.addSuppressed(e);
                    throw trouble;
                }
                LOG.info("Draining failed ({}) while {}; trying again", JobHealth.rootCause(e), health.line());
                Thread.sleep(DRAIN_RETRY.toMillis());
            }
        }
        awaitResult();
    }

    /** Cancels the job; its retained checkpoint and committed Kafka offsets let a later run go on. */
    public void cancel() throws Exception {
        cluster.cancelJob(job).get();
        awaitResult();
    }

    private void awaitResult() throws Exception {
        JobResult result = cluster.requestJobResult(job).get();
        if (result.getSerializedThrowable().isPresent()) {
            throw new JobTroubleException("the job failed", health());
        }
    }

    /**
     * The job's state, restarts and the root cause of its last failure (what the web UI's overview
     * and exceptions show); logged whenever they change. After the job ended, how it ended. A
     * TaskManager lost to a fatal error is replaced first ({@link #replaceLostTaskManager}).
     */
    public JobHealth health() {
        replaceLostTaskManager();
        AccessExecutionGraph graph = answer(cluster.getExecutionGraph(job));
        ErrorInfo failure = graph.getFailureInfo();
        JobHealth health = new JobHealth(
                graph.getState(),
                metrics.restarts(),
                failure == null ? null : JobHealth.rootCause(failure.getException()));
        if (!health.equals(lastLogged)) {
            if (health.troubled()) {
                LOG.warn("Streamwatch {}", health.line());
            } else {
                LOG.info("Streamwatch {}", health.line());
            }
            lastLogged = health;
        }
        return health;
    }

    /**
     * An exception while a task cleans up after its failure (a JDBC writer whose close() throws the
     * failed flush again) is fatal to the TaskManager: Flink stops it, and the job's failure reads
     * "The TaskExecutor is shutting down". On a cluster a supervisor starts a new one; here nothing
     * would, and the job would wait for slots, RUNNING and reading nothing. So this starts one.
     */
    private void replaceLostTaskManager() {
        if (answer(cluster.requestClusterOverview()).getNumTaskManagersConnected() > 0) return;
        LOG.warn("The TaskManager stopped after a fatal error (logged above as 'TaskManager #N failed');"
                + " starting a new one");
        try {
            cluster.startTaskManager();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start a new TaskManager: " + JobHealth.rootCause(e), e);
        }
        // until it has registered, it is not counted: wait, so that the next call does not start another
        long deadline = System.nanoTime() + TASK_MANAGER_REGISTRATION.toNanos();
        while (answer(cluster.requestClusterOverview()).getNumTaskManagersConnected() == 0
                && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(100));
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the local Flink cluster", e);
        }
    }

    private static <T> T answer(CompletableFuture<T> request) {
        try {
            return request.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the local Flink cluster", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the local Flink cluster did not answer: " + JobHealth.rootCause(e), e);
        }
    }

    public LocalMetrics.Board metrics() {
        return metrics;
    }

    public URI webUi() {
        return webUi;
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
