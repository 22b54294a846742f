package io.streamwatch.testkit;

import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.rest.messages.EmptyRequestBody;
import org.apache.flink.runtime.rest.messages.JobExceptionsHeaders;
import org.apache.flink.runtime.rest.messages.JobExceptionsInfoWithHistory;
import org.apache.flink.runtime.rest.messages.job.JobExceptionsMessageParameters;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * Asserts that a job never failed, hence never restarted: what every test that injects no failure
 * should check (a restart replays records, and a test that passes after one hides a bug). Reads the
 * job's exception history over the cluster's REST API, as the web UI's Exceptions tab shows it: Flink
 * records every failure there, restarted or not, and keeps it once the job has ended, when its
 * {@code numRestarts} metric is no longer served.
 *
 * <pre>{@code
 * JobExecutionResult result = env.execute("pipeline");
 * JobRestarts.assertNone(FLINK, result.getJobID());
 * }</pre>
 */
public final class JobRestarts {
    private JobRestarts() {}

    /** For a job on the test's {@link MiniClusterExtension} (see {@link FlinkCluster#extension()}). */
    public static void assertNone(MiniClusterExtension flink, JobID job) {
        Configuration client = flink.getClientConfiguration();
        assertNone(URI.create("http://" + client.get(RestOptions.ADDRESS) + ":" + client.get(RestOptions.PORT)), job);
    }

    /** For a job on any cluster whose REST API (the web UI) answers at {@code rest}. */
    public static void assertNone(URI rest, JobID job) {
        List<String> failures = failures(rest, job);
        if (!failures.isEmpty()) {
            throw new AssertionError("job " + job + " failed " + failures.size()
                    + " time(s), so it restarted or ended failed; newest first:\n  " + String.join("\n  ", failures));
        }
    }

    /** Each failure in the job's exception history, newest first: where, and the first line of its stack trace. */
    public static List<String> failures(URI rest, JobID job) {
        Configuration config = new Configuration();
        config.set(RestOptions.ADDRESS, rest.getHost());
        config.set(RestOptions.PORT, rest.getPort());
        JobExceptionsMessageParameters parameters =
                JobExceptionsHeaders.getInstance().getUnresolvedMessageParameters();
        parameters.jobPathParameter.resolve(job);
        try (RestClusterClient<StandaloneClusterId> client =
                new RestClusterClient<>(config, StandaloneClusterId.getInstance())) {
            JobExceptionsInfoWithHistory exceptions = client.sendRequest(
                            JobExceptionsHeaders.getInstance(), parameters, EmptyRequestBody.getInstance())
                    .get(30, TimeUnit.SECONDS);
            return exceptions.getExceptionHistory().getEntries().stream()
                    .map(e -> (e.getTaskName() == null ? "(the job)" : e.getTaskName()) + ": "
                            + e.getStacktrace().lines().findFirst().orElse(e.getExceptionName()))
                    .toList();
        } catch (Exception e) {
            throw new AssertionError("cannot read the exception history of job " + job + " at " + rest, e);
        }
    }
}
