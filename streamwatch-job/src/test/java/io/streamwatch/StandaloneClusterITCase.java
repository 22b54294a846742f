package io.streamwatch;

import static io.streamwatch.testing.DeterminismInput.SPIKE_MINUTE;
import static io.streamwatch.testing.DeterminismInput.SPIKE_SERIES;
import static io.streamwatch.testing.Events.MINUTE;
import static io.streamwatch.testing.Events.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.testing.DeterminismInput;
import io.streamwatch.testing.DeterminismInput.Kind;
import io.streamwatch.testing.DeterminismInput.Planned;
import io.streamwatch.testing.TableContents;
import io.streamwatch.testkit.Await;
import io.streamwatch.testkit.JobRestarts;
import io.streamwatch.testkit.KafkaExtension;
import io.streamwatch.testkit.PostgresExtension;
import io.streamwatch.testkit.ProjectPaths;
import io.streamwatch.testkit.StandaloneCluster;
import io.streamwatch.testkit.TestDatabase;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
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
 * rescales 2 → 1 → 2 and adds a detector, must each leave the database row for row as the run
 * without them (README, "What is deterministic").
 *
 * <p>The input is the determinism test's ({@link DeterminismInput}): out of order, events late within
 * and beyond the allowed lateness, duplicates, invalid records, and a partition quiet for seven
 * minutes (marked idle when the job has caught up). Two topics hold it: the kill test's gets its
 * second half only after the kill, so the kill always meets state and a job with work left; the
 * upgrade test's gets it in three parts, one per version of the job, cut where a duplicate's first
 * copy is in one part and the copy in the next, and a window's late events arrive after the
 * version that opened it stopped. Both topics hold the same records at the same offsets, so their
 * tables are compared with the topic's name set aside.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterITCase {
    private static final Path JAR = Path.of(System.getProperty("job.jar", "(set by the build)"));
    private static final String PASSWORD_ENV = BoundedProductionJob.PASSWORD_ENV;
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);
    private static final List<Planned> INPUT = DeterminismInput.plan();
    /** The kill test's topic gets the minutes from here on only after the kill. */
    private static final int KILL_AT_MINUTE = 16;
    /** The upgrade's versions read the minutes up to these (from each minute's first duplicate on). */
    private static final int FIRST_UPGRADE_AT_MINUTE = 12;

    private static final int SECOND_UPGRADE_AT_MINUTE = 22;

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    /** In the build folder, not a temporary one: the cluster's logs stay there for a failed run. */
    private static final Path work = Path.of("target", "standalone-cluster").toAbsolutePath();

    private static StandaloneCluster cluster;
    private static String killTopic;
    private static String upgradeTopic;
    private static boolean killTopicComplete;
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
        killTopic = KAFKA.createTopic("cluster-kill", DeterminismInput.PARTITIONS);
        produce(killTopic, 0, firstIndexOfMinute(KILL_AT_MINUTE));
        upgradeTopic = KAFKA.createTopic("cluster-upgrade", DeterminismInput.PARTITIONS);
        produce(upgradeTopic, 0, firstDuplicateOfMinute(FIRST_UPGRADE_AT_MINUTE));
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
    void afterKill9OfTheTaskManagerTheJobRestoresTheLatestCheckpointAndTheTablesEqualARunWithoutIt() throws Exception {
        TestDatabase db = POSTGRES.createDatabase("killed");
        String job = cluster.submitWithCli(JAR, jobArguments(db, killTopic, "killed", Version.WITH_THRESHOLD, 2));
        jobs.add(job);
        cluster.awaitJobState(job, "RUNNING", RUN_TIMEOUT);
        Await.until(
                "a completed checkpoint with records read",
                RUN_TIMEOUT,
                () -> cluster.completedCheckpoints(job) > 0 && recordsRead(db) > 0);

        long completedBeforeKill =
                latestCheckpoints(job).path("completed").path("id").asLong();
        long readBeforeKill = recordsRead(db);
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
        int failures = JobRestarts.failures(cluster.restUrl(), JobID.fromHexString(job))
                .size();
        JsonNode restored = latestCheckpoints(job).path("restored");
        System.out.printf(
                "kill -9 of the TaskManager: RESTARTING after %.1f s, RUNNING after %.1f s, all tasks running"
                        + " after %.1f s (at most 0.1 s later, polled), %d failure(s) in the job's history; restored"
                        + " checkpoint %d"
                        + " (the latest completed before the kill was %d; %d of %d records counted by then)%n",
                restarting / 1e3,
                running / 1e3,
                allTasks / 1e3,
                failures,
                restored.path("id").asLong(),
                completedBeforeKill,
                readBeforeKill,
                firstIndexOfMinute(KILL_AT_MINUTE));
        assertThat(restored.path("is_savepoint").asBoolean())
                .as("restored from a checkpoint: " + restored)
                .isFalse();
        assertThat(restored.path("id").asLong())
                .as("restored the latest checkpoint, not an older one: " + restored)
                .isGreaterThanOrEqualTo(completedBeforeKill);

        assertThat(failures)
                .as("failures for one lost TaskManager (its tasks and the TaskManager may count apart)")
                .isBetween(1, 3);

        completeKillTopic();
        Map<String, List<Map<String, Object>>> killed = drain(job, db);
        TableContents.assertSame(reference(), TableContents.renamingTopic(killed, killTopic, "events"));
    }

    @Test
    @Order(2)
    void aSavepointUpgradeRescaling2To1To2AndAddingADetectorCarriesEveryStateOver() throws Exception {
        TestDatabase db = POSTGRES.createDatabase("upgraded");
        Path savepoints = work.resolve("upgrade-savepoints");
        int firstPart = firstDuplicateOfMinute(FIRST_UPGRADE_AT_MINUTE);
        int secondPart = firstDuplicateOfMinute(SECOND_UPGRADE_AT_MINUTE);

        String first = cluster.submitWithRest(JAR, jobArguments(db, upgradeTopic, "upgraded", Version.EWMA, 2), null);
        jobs.add(first);
        awaitRead(first, db, 2, firstPart);
        String savepoint = cluster.stopWithSavepoint(first, savepoints, false, RUN_TIMEOUT);
        JobRestarts.assertNone(cluster.restUrl(), JobID.fromHexString(first));

        produce(upgradeTopic, firstPart, secondPart);
        String second = cluster.submitWithRest(
                JAR, jobArguments(db, upgradeTopic, "upgraded", Version.WITH_THRESHOLD, 1), savepoint);
        jobs.add(second);
        assertRestoredFrom(second, savepoint);
        awaitRead(second, db, 1, secondPart);
        savepoint = cluster.stopWithSavepoint(second, savepoints, false, RUN_TIMEOUT);
        JobRestarts.assertNone(cluster.restUrl(), JobID.fromHexString(second));

        produce(upgradeTopic, secondPart, INPUT.size());
        String third = cluster.submitWithRest(
                JAR, jobArguments(db, upgradeTopic, "upgraded", Version.WITH_THRESHOLD, 2), savepoint);
        jobs.add(third);
        assertRestoredFrom(third, savepoint);
        System.out.printf(
                "savepoint upgrade: records 1-%d read at parallelism 2 with ewma, %d-%d at parallelism 1 with ewma"
                        + " and threshold, the rest at parallelism 2%n",
                firstPart, firstPart + 1, secondPart);
        Map<String, List<Map<String, Object>>> upgraded = drain(third, db);
        JobRestarts.assertNone(cluster.restUrl(), JobID.fromHexString(third));
        TableContents.assertSame(reference(), TableContents.renamingTopic(upgraded, upgradeTopic, "events"));
        assertThat(upgraded.get("anomalies"))
                .as("the spike: ewma from the state of two versions before, threshold added by the upgrade")
                .extracting(r -> r.get("series_key") + " " + r.get("detector") + " "
                        + (((Instant) r.get("opened_window_start")).toEpochMilli() - T0) / MINUTE)
                .contains(
                        "s" + SPIKE_SERIES + " ewma " + SPIKE_MINUTE,
                        "s" + SPIKE_SERIES + " threshold " + SPIKE_MINUTE);
    }

    @Test
    @Order(3)
    void noClassWentMissingWhenTheJobsEnded() {
        // Kafka's clients closing after Flink closed the job's class loader (Selector$CloseMode)
        assertThat(cluster.logLines("NoClassDefFoundError: org/apache/kafka")).isEmpty();
    }

    /**
     * The run without a failure or an upgrade, submitted through REST (so {@code main()} runs in the
     * JobManager), over the kill test's topic once it holds the whole input; it must hold what the
     * late rule applied by hand says.
     */
    private static Map<String, List<Map<String, Object>>> reference() throws Exception {
        if (reference == null) {
            completeKillTopic();
            TestDatabase db = POSTGRES.createDatabase("reference");
            String job = cluster.submitWithRest(
                    JAR, jobArguments(db, killTopic, "reference", Version.WITH_THRESHOLD, 2), null);
            jobs.add(job);
            cluster.awaitJobState(job, "RUNNING", RUN_TIMEOUT);
            Map<String, List<Map<String, Object>>> tables = drain(job, db);
            // the exception history: a finished job's numRestarts metric is no longer served
            JobRestarts.assertNone(cluster.restUrl(), JobID.fromHexString(job));
            DeterminismInput.assertMatchesThePlan(tables, INPUT);
            System.out.println("reference run on the cluster: " + TableContents.sizes(tables));
            reference = TableContents.renamingTopic(tables, killTopic, "events");
        }
        return reference;
    }

    /** Waits until the job has read the whole input, then stops it with a drain; returns the tables. */
    private static Map<String, List<Map<String, Object>>> drain(String job, TestDatabase db) {
        awaitRecordsRead(job, db, INPUT.size());
        cluster.stopWithSavepoint(job, work.resolve("drained"), true, RUN_TIMEOUT);
        return TableContents.of(db);
    }

    /** The job's detectors: the upgrade adds the threshold detector, which finds the spike at once. */
    private enum Version {
        EWMA("    - {type: ewma, warmup: 24, z-low: 8.0, z-high: 16.0}\n"),
        WITH_THRESHOLD(EWMA.detectors + "    - {type: threshold, upper: 200}\n");

        final String detectors;

        Version(String detectors) {
            this.detectors = detectors;
        }

        /** The job's settings file, where {@code main()} reads it: absolute, since REST runs it in the JobManager. */
        Path settingsFile() throws IOException {
            Path file = work.resolve(name().toLowerCase(java.util.Locale.ROOT) + ".yaml");
            Files.createDirectories(work);
            Files.writeString(
                    file,
                    "checkpointing:\n  interval: 1s\n  min-pause: 200ms\n"
                            + "sink:\n  jdbc:\n    batch-interval: 200ms\n"
                            + "detection:\n  detectors:\n" + detectors);
            return file;
        }
    }

    /** The job's arguments as a user gives them, the determinism input's settings among them. */
    private static List<String> jobArguments(
            TestDatabase db, String topic, String run, Version version, int parallelism) throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "--config",
                version.settingsFile().toString(),
                "--job.parallelism",
                String.valueOf(parallelism),
                "--source.kafka.bootstrap-servers",
                KAFKA.bootstrapServers(),
                "--source.kafka.topics",
                topic,
                "--source.kafka.group-id",
                run,
                "--source.kafka.starting-offsets",
                "earliest",
                "--sink.jdbc.url",
                db.url(),
                "--sink.jdbc.user",
                db.user(),
                "--sink.jdbc.password-env",
                PASSWORD_ENV));
        DeterminismInput.settings().forEach((key, value) -> args.addAll(List.of("--" + key, value)));
        return args;
    }

    /**
     * Waits until the job runs at {@code parallelism}, has read {@code records}, and a checkpoint
     * completed after that, so that its savepoint holds all of them.
     */
    private static void awaitRead(String job, TestDatabase db, int parallelism, int records) {
        cluster.awaitJobState(job, "RUNNING", RUN_TIMEOUT);
        assertThat(cluster.jobDetails(job).path("vertices"))
                .as("the job's vertices run at parallelism " + parallelism)
                .allMatch(v -> v.path("parallelism").asInt() == parallelism);
        awaitRecordsRead(job, db, records);
    }

    /** The ledger counts records once a checkpoint stored them. */
    private static void awaitRecordsRead(String job, TestDatabase db, int records) {
        Await.until(
                "all " + records + " records read and checkpointed",
                RUN_TIMEOUT,
                () -> recordsRead(db) == records,
                () -> recordsRead(db) + " read, job " + cluster.describeJob(job));
    }

    private static void assertRestoredFrom(String job, String savepoint) {
        cluster.awaitJobState(job, "RUNNING", RUN_TIMEOUT);
        JsonNode restored = latestCheckpoints(job).path("restored");
        assertThat(restored.path("is_savepoint").asBoolean())
                .as("restored " + restored)
                .isTrue();
        assertThat(restored.path("external_path").asText())
                .as("restored " + restored)
                .isEqualTo(savepoint);
    }

    /** {@code latest} of {@code GET /jobs/:id/checkpoints}: the latest completed and restored checkpoints. */
    private static JsonNode latestCheckpoints(String job) {
        return cluster.get("/jobs/" + job + "/checkpoints").path("latest");
    }

    /** Records the job has accounted for in the ledger (written at each checkpoint). */
    private static long recordsRead(TestDatabase db) {
        Object n = db.query("SELECT coalesce(sum(records_read), 0) AS n FROM ingest_ledger")
                .get(0)
                .get("n");
        return ((BigDecimal) n).longValue();
    }

    /** The kill test's topic gets its second half after the kill, or for the reference if that test did not get there. */
    private static synchronized void completeKillTopic() {
        if (killTopicComplete) return;
        produce(killTopic, firstIndexOfMinute(KILL_AT_MINUTE), INPUT.size());
        killTopicComplete = true;
    }

    /** Writes the input's records {@code from} (inclusive) {@code to} (exclusive) to the topic. */
    private static void produce(String topic, int from, int to) {
        KAFKA.produceAll(
                INPUT.subList(from, to).stream().map(p -> p.toRecord(topic)).toList());
    }

    private static int firstIndexOfMinute(int minute) {
        for (int i = 0; i < INPUT.size(); i++) {
            if (INPUT.get(i).minute() >= minute) return i;
        }
        return INPUT.size();
    }

    /** Where the minute's first duplicate is: its first copy comes before, in the same minute. */
    private static int firstDuplicateOfMinute(int minute) {
        for (int i = firstIndexOfMinute(minute); i < INPUT.size(); i++) {
            if (INPUT.get(i).kind() == Kind.DUPLICATE) return i;
        }
        throw new IllegalStateException("no duplicate in or after minute " + minute);
    }
}
