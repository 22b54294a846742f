package io.streamwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.Test;

class SummaryTest {

    @Test
    void aJobThatRestartedSaysHowOftenWhyAndWhatThatDoesToTheCounts() {
        String text = summary(new JobHealth(
                        JobStatus.FINISHED, 3, "PSQLException: ERROR: relation \"dead_letters\" does not exist"))
                .render();

        assertThat(text.lines().skip(1).limit(3))
                .containsExactly(
                        "Job: restarts 3; last failure: PSQLException: ERROR: relation \"dead_letters\" does not exist",
                        "  (after a restart the job reads again from its last checkpoint; the counts below come from",
                        "   the tables and the ingest ledger, which hold each record once, so they still add up)");
    }

    @Test
    void aJobWithoutRestartsSaysSo() {
        String text = summary(new JobHealth(JobStatus.FINISHED, 0, null)).render();

        assertThat(text.lines().skip(1).limit(2)).containsExactly("Job: no restarts", "");
    }

    private static Summary summary(JobHealth job) {
        return new Summary(
                "run_20260101_000000",
                Duration.ofSeconds(60),
                new Generator.Totals(100, 1, 1, 1),
                101,
                101,
                100,
                1,
                1,
                1,
                99,
                98,
                1,
                1,
                10,
                0,
                0,
                new Scoring.Result(List.of(), List.of(), List.of()),
                new Summary.Where("http://localhost:8081", "localhost:9092", "events", "jdbc:x", "u", "runs/r", "log"),
                job);
    }
}
