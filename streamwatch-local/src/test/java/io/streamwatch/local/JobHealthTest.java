package io.streamwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.SQLException;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.JobException;
import org.apache.flink.util.SerializedThrowable;
import org.junit.jupiter.api.Test;

class JobHealthTest {

    @Test
    void theRootCauseIsTheDeepestCauseWithAMessageAsFlinkHandsItOver() {
        // as Flink reports a sink that lost its table: wrapped twice, then serialized for the RPC
        Throwable failure = new SerializedThrowable(new JobException(
                "Recovery is suppressed by FixedDelayRestartBackoffTimeStrategy(maxNumberRestartAttempts=2)",
                new IOException(
                        "Writing records to JDBC failed.",
                        new SQLException("ERROR: relation \"dead_letters\" does not exist\n  Position: 13"))));

        assertThat(JobHealth.rootCause(failure))
                .isEqualTo("SQLException: ERROR: relation \"dead_letters\" does not exist");
    }

    @Test
    void aCauseWithoutMessageGivesWayToTheDeepestThatHasOne() {
        Throwable failure = new SerializedThrowable(
                new IllegalArgumentException("no value in record 17", new NullPointerException()));
        assertThat(JobHealth.rootCause(failure)).isEqualTo("IllegalArgumentException: no value in record 17");
        assertThat(JobHealth.rootCause(new SerializedThrowable(new NullPointerException())))
                .isEqualTo("NullPointerException");
        assertThat(JobHealth.rootCause(new IllegalStateException("  "))).isEqualTo("IllegalStateException");
    }

    @Test
    void aLongMessageIsCutToOneReadableLine() {
        String cause = JobHealth.rootCause(new SerializedThrowable(new RuntimeException("x".repeat(500))));
        assertThat(cause)
                .hasSize(JobHealth.MAX_CAUSE_LENGTH)
                .startsWith("RuntimeException: xxx")
                .endsWith("x…");
    }

    @Test
    void theLineNamesTheStateAndOnceTheJobFailedItsRestartsAndLastFailure() {
        assertThat(new JobHealth(JobStatus.RUNNING, 0, null).line()).isEqualTo("job RUNNING");
        assertThat(new JobHealth(JobStatus.RESTARTING, 3, "IllegalArgumentException: no value").line())
                .isEqualTo("job RESTARTING (restarts 3; last failure: IllegalArgumentException: no value)");
        assertThat(new JobHealth(JobStatus.RUNNING, 3, "IllegalArgumentException: no value").line())
                .isEqualTo("job RUNNING (restarts 3; last failure: IllegalArgumentException: no value)");
        assertThat(new JobHealth(JobStatus.FAILED, 0, "IllegalStateException: boom").line())
                .isEqualTo("job FAILED (no restarts; last failure: IllegalStateException: boom)");
        assertThat(new JobHealth(JobStatus.FINISHED, 0, null).details()).isEqualTo("no restarts");
    }
}
