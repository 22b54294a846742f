package io.streamwatch;

import static io.streamwatch.testing.Events.MINUTE;
import static io.streamwatch.testing.Events.SECOND;
import static io.streamwatch.testing.Events.T0;
import static io.streamwatch.testing.Events.jsonBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.testing.TableContents;
import io.streamwatch.testkit.Await;
import io.streamwatch.testkit.KafkaExtension;
import io.streamwatch.testkit.PostgresExtension;
import io.streamwatch.testkit.ProjectPaths;
import io.streamwatch.testkit.StandaloneCluster;
import io.streamwatch.testkit.TestDatabase;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The jar users deploy, on a real standalone cluster: a JobManager and a TaskManager as separate
 * processes, configured by {@code conf/flink/config.yaml}. Submitted with {@code flink run} and
 * through the REST API; a {@code kill -9} of the TaskManager mid-run, and a savepoint upgrade that
 * rescales 2 → 1 → 2, must each leave the database row for row as the run without them.
 *
 * <p>The input is such that no record's fate depends on timing: each series in one partition, every
 * event within the out-of-orderness of its window (never late), no idleness (a partition waiting for
 * the producer must not let the other's watermark run ahead), and each run ends by a drain, which
 * fires every window and timer as the end of a bounded input would. The kill run gets the second
 * half of the input only after the kill, so the kill always meets state and a job with work left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterITCase {
    private static final int SERIES = 8;
    private static final int MINUTES = 60;
    private static final Path JAR = Path.of(System.getProperty("job.jar", "(set by the build)"));
    private static final String PASSWORD_ENV = BoundedProductionJob.PASSWORD_ENV;
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    /** In the build folder, not a temporary one: the cluster's logs stay there for a failed run. */
    private static final Path work = Path.of("target", "standalone-cluster").toAbsolutePath();

    private static StandaloneCluster cluster;
    private static String topic;
    private static int recordsInFirstHalf;
    private static int records;
    private static Map<String, List<Map<String, Object>>> reference;
    /** Jobs a test started: cancelled after it, so that one failing halfway leaves the slots free. */
    private static final List<String> jobs = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        org.apache.flink.util.FileUtils.deleteDirectory(work.toFile());
        TestDatabase any = POSTGRES.createDatabase("cluster");
        cluster = StandaloneCluster.start(
                work.resolve("cluster"),
                StandaloneCluster.readClasspath(System.getProperty("flink.lib", "(set by the build)")),
                ProjectPaths.resolve("conf/flink/config.yaml"),
                Map.of(
                        // small processes: the test machine runs other builds too
                        "jobmanager.memory.process.size", "800m",
                        "taskmanager.memory.process.size", "1200m",
                        "taskmanager.numberOfTaskSlots", "2",
                        "execution.checkpointing.dir",
                                work.resolve("checkpoints").toUri().toString(),
                        "execution.checkpointing.savepoint-dir",
                                work.resolve("savepoints").toUri().toString(),
                        "metrics.reporter.prom.port", "0"),
                Map.of(PASSWORD_ENV, any.password() == null ? "" : any.password()),
                1);
        topic = KAFKA.createTopic("cluster", 2);
        List<ProducerRecord<byte[], byte[]>> firstHalf = input(0, MINUTES / 2);
        KAFKA.produceAll(firstHalf);
        recordsInFirstHalf = firstHalf.size();
    }

    @AfterEach
    void cancelJobs() {
        jobs.forEach(cluster::cancelIfRunning);
        jobs.clear();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) cluster.close();
    }

    @Test
    @Order(1)
    void afterKill9OfTheTaskManagerTheJobRecoversAndTheTablesEqualARunWithoutIt() throws Exception {
        TestDatabase db = POSTGRES.createDatabase("killed");
        String job = cluster.submitWithCli(JAR, jobArguments(db, "killed"));
        jobs.add(job);
        cluster.awaitJobState(job, "RUNNING", RUN_TIMEOUT);
        Await.until(
                "a completed checkpoint with records read",
                RUN_TIMEOUT,
                () -> cluster.completedCheckpoints(job) > 0 && recordsRead(db) > 0);

        long killedAt = System.currentTimeMillis();
        cluster.killTaskManager();
        cluster.startTaskManager(); // as a supervisor (systemd, Kubernetes) would
        Await.until(
                "all tasks running again",
                RUN_TIMEOUT,
                () -> cluster.lastEntered(job, "RESTARTING") > killedAt && cluster.allTasksRunning(job),
                () -> cluster.describeJob(job));
        long allTasks = System.currentTimeMillis() - killedAt;
        long restarting = cluster.lastEntered(job, "RESTARTING") - killedAt;
        long running = cluster.lastEntered(job, "RUNNING") - killedAt;
        long restarts = cluster.jobMetric(job, "numRestarts");
        System.out.printf(
                "kill -9 of the TaskManager: RESTARTING after %.1f s, RUNNING after %.1f s, all tasks running"
                        + " after %.1f s (at most 0.1 s later, polled), %d restart(s)%n",
                restarting / 1e3, running / 1e3, allTasks / 1e3, restarts);

        produceSecondHalf();
        Map<String, List<Map<String, Object>>> killed = drain(job, db);
        assertThat(cluster.jobMetric(job, "numRestarts"))
                .as("restarts for one lost TaskManager")
                .isBetween(1L, 3L);
        TableContents.assertSame(reference(), killed);
    }

    @Test
    @Order(2)
    void aSavepointUpgradeRescaling2To1To2LosesAndDuplicatesNothing() throws Exception {
        produceSecondHalf();
        TestDatabase db = POSTGRES.createDatabase("upgraded");
        List<String> arguments = jobArguments(db, "upgraded");
        Path savepoints = work.resolve("upgrade-savepoints");

        String first = cluster.submitWithRest(JAR, withParallelism(arguments, 2), null);
        jobs.add(first);
        runUntilProgress(first, db, 2);
        String savepoint = cluster.stopWithSavepoint(first, savepoints, false, RUN_TIMEOUT);
        long atFirst = recordsRead(db);

        String second = cluster.submitWithRest(JAR, withParallelism(arguments, 1), savepoint);
        jobs.add(second);
        runUntilProgress(second, db, 1);
        savepoint = cluster.stopWithSavepoint(second, savepoints, false, RUN_TIMEOUT);
        long atSecond = recordsRead(db);

        String third = cluster.submitWithRest(JAR, withParallelism(arguments, 2), savepoint);
        jobs.add(third);
        runUntilProgress(third, db, 2);
        System.out.printf(
                "savepoint upgrade: %d of %d records read at parallelism 2 by the first savepoint, %d by the"
                        + " second, at parallelism 1%n",
                atFirst, records, atSecond);
        Map<String, List<Map<String, Object>>> upgraded = drain(third, db);
        TableContents.assertSame(reference(), upgraded);
    }

    @Test
    @Order(3)
    void noClassWentMissingWhenTheJobsEnded() {
        // Kafka's clients closing after Flink closed the job's class loader (Selector$CloseMode)
        assertThat(cluster.logLines("NoClassDefFoundError: org/apache/kafka")).isEmpty();
    }

    /**
     * The run without a failure, submitted through REST (so {@code main()} runs in the JobManager),
     * over the whole input.
     */
    private static Map<String, List<Map<String, Object>>> reference() throws Exception {
        if (reference == null) {
            TestDatabase db = POSTGRES.createDatabase("reference");
            String job = cluster.submitWithRest(JAR, jobArguments(db, "reference"), null);
            jobs.add(job);
            cluster.awaitJobState(job, "RUNNING", RUN_TIMEOUT);
            reference = drain(job, db);
            assertThat(cluster.jobMetric(job, "numRestarts"))
                    .as("restarts of the reference run")
                    .isZero();
            assertThat(reference.get("window_aggregates")).hasSize(SERIES * MINUTES - (MINUTES - 15));
            assertThat(reference.get("anomalies")).isNotEmpty();
            assertThat(reference.get("dead_letters")).hasSize(2);
        }
        return reference;
    }

    /** Waits until the job has read the whole input, then stops it with a drain; returns the tables. */
    private static Map<String, List<Map<String, Object>>> drain(String job, TestDatabase db) {
        Await.until(
                "all " + records + " records read",
                RUN_TIMEOUT,
                () -> recordsRead(db) == records,
                () -> recordsRead(db) + " read, job " + cluster.describeJob(job));
        cluster.stopWithSavepoint(job, work.resolve("drained"), true, RUN_TIMEOUT);
        return TableContents.of(db);
    }

    /** The job's arguments as a user gives them: absolute paths, since REST runs main() in the JobManager. */
    private static List<String> jobArguments(TestDatabase db, String run) {
        List<String> args = new ArrayList<>(List.of(
                "--config",
                ProjectPaths.resolve("conf/local.yaml").toString(),
                "--source.kafka.bootstrap-servers",
                KAFKA.bootstrapServers(),
                "--source.kafka.topics",
                topic,
                "--source.kafka.group-id",
                run,
                "--source.kafka.starting-offsets",
                "earliest",
                "--watermarks.idleness",
                "0s",
                "--sink.jdbc.url",
                db.url(),
                "--sink.jdbc.user",
                db.user(),
                "--sink.jdbc.password-env",
                PASSWORD_ENV,
                "--checkpointing.interval",
                "1s",
                "--checkpointing.min-pause",
                "200ms"));
        return args;
    }

    /** The upgrade changes the parallelism as users would: in the job's configuration. */
    private static List<String> withParallelism(List<String> arguments, int parallelism) {
        List<String> changed = new ArrayList<>(arguments);
        changed.addAll(List.of("--job.parallelism", String.valueOf(parallelism)));
        return changed;
    }

    /**
     * Waits until the job runs at {@code parallelism} and a checkpoint has stored more of the input
     * (or all of it), so that each savepoint holds state the next version must carry on. How much
     * each phase reads beyond that depends on the machine's speed.
     */
    private static void runUntilProgress(String job, TestDatabase db, int parallelism) {
        cluster.awaitJobState(job, "RUNNING", RUN_TIMEOUT);
        assertThat(cluster.jobDetails(job).path("vertices"))
                .as("the job's vertices run at parallelism " + parallelism)
                .allMatch(v -> v.path("parallelism").asInt() == parallelism);
        long before = recordsRead(db);
        Await.until(
                "a checkpoint of job " + job + " with more records read than " + before,
                RUN_TIMEOUT,
                () -> cluster.completedCheckpoints(job) > 0 && (recordsRead(db) > before || before == records),
                () -> recordsRead(db) + " read, " + cluster.describeJob(job));
    }

    /** Records the job has accounted for in the ledger (written at each checkpoint). */
    private static long recordsRead(TestDatabase db) {
        Object n = db.query("SELECT coalesce(sum(records_read), 0) AS n FROM ingest_ledger")
                .get(0)
                .get("n");
        return ((BigDecimal) n).longValue();
    }

    private static synchronized void produceSecondHalf() {
        if (records > 0) return;
        List<ProducerRecord<byte[], byte[]>> rest = input(MINUTES / 2, MINUTES);
        rest.add(new ProducerRecord<>(topic, 0, T0, null, "{\"event_id\":".getBytes(StandardCharsets.UTF_8)));
        rest.add(new ProducerRecord<>(topic, 1, T0, null, "[]".getBytes(StandardCharsets.UTF_8)));
        KAFKA.produceAll(rest);
        records = recordsInFirstHalf + rest.size();
    }

    /**
     * Minutes {@code from} to {@code to}: each series in one partition, ten events a minute, each
     * minute reversed (out of order, never late). Series 3 spikes in minute 40, series 7 stops after
     * minute 14; some ids repeat.
     */
    private static List<ProducerRecord<byte[], byte[]>> input(int from, int to) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int m = from; m < to; m++) {
            for (int s = 0; s < SERIES; s++) {
                if (s == 7 && m >= 15) continue;
                for (int i = 9; i >= 0; i--) {
                    long t = T0 + m * MINUTE + i * 6 * SECOND;
                    double value = (s == 3 && m == 40) ? 500 : 10 * s + ((m * 7 + i * 3) % 5);
                    byte[] json = jsonBytes("s" + s + "-" + t, "s" + s, t, value);
                    out.add(new ProducerRecord<>(topic, s % 2, t, null, json));
                    if (i == 0 && m % 10 == 5) out.add(new ProducerRecord<>(topic, s % 2, t, null, json));
                }
            }
        }
        return out;
    }
}
