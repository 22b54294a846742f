package io.streamwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@link Dashboard#missing} reports, on a scrape small enough to read: each way a panel can be wrong. */
class DashboardCheckTest {
    private static final Scrape SCRAPE = Scrape.parse("""
            # HELP flink_taskmanager_job_task_operator_duplicates duplicates (scope: taskmanager_job_task_operator)
            # TYPE flink_taskmanager_job_task_operator_duplicates gauge
            flink_taskmanager_job_task_operator_duplicates{job_name="streamwatch",operator_name="dedupe_by_event_id",subtask_index="0",} 3.0
            flink_taskmanager_job_task_operator_receiver_deliveryLatencyMs{job_name="streamwatch",receiver="chat",quantile="0.95",} NaN
            flink_jobmanager_job_numRestarts{job_name="streamwatch",} 0.0
            """);

    @Test
    void queriesOnExportedMetricsAndLabelsPass() {
        assertThat(Dashboard.missing(
                        List.of(
                                "sum by (operator_name) (increase(flink_taskmanager_job_task_operator_duplicates{job_name=~\"$job\", operator_name=\"dedupe_by_event_id\"}[1m]))",
                                "max by (receiver) (flink_taskmanager_job_task_operator_receiver_deliveryLatencyMs{quantile=\"0.95\"})",
                                "label_values(flink_jobmanager_job_numRestarts, job_name)"),
                        SCRAPE))
                .isEmpty();
    }

    @Test
    void eachKindOfMistakeIsReported() {
        assertThat(Dashboard.missing(List.of("rate(flink_taskmanager_job_task_operator_duplicate[1m])"), SCRAPE))
                .singleElement()
                .asString()
                .contains("flink_taskmanager_job_task_operator_duplicate is not exported");
        assertThat(Dashboard.missing(List.of("flink_jobmanager_job_numRestarts{operator_name=~\".*\"}"), SCRAPE))
                .singleElement()
                .asString()
                .contains("has no label operator_name");
        // the reporter writes dedupe_by_event_id: the operator's own name matches nothing
        assertThat(Dashboard.missing(
                        List.of("flink_taskmanager_job_task_operator_duplicates{operator_name=\"dedupe-by-event-id\"}"),
                        SCRAPE))
                .singleElement()
                .asString()
                .contains("no series with operator_name=\"dedupe-by-event-id\"");
        assertThat(Dashboard.missing(List.of("sum by (task_name) (flink_jobmanager_job_numRestarts)"), SCRAPE))
                .singleElement()
                .asString()
                .contains("the label task_name");
        assertThat(Dashboard.missing(List.of("sum(rate(up[1m]))"), SCRAPE))
                .singleElement()
                .asString()
                .contains("no flink_ metric");
    }
}
