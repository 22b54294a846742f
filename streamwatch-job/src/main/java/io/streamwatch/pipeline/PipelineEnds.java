package io.streamwatch.pipeline;

import io.streamwatch.alert.AlertEnds;
import io.streamwatch.model.AnomalyEvent;
import io.streamwatch.model.DeadLetter;
import io.streamwatch.model.LateEvent;
import io.streamwatch.model.LedgerCounts;
import io.streamwatch.model.WindowAggregate;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Where the pipeline's results go: PostgreSQL and real receivers in production, collecting sinks
 * in tests. Every end is required; a test that does not look at one passes a discarding end.
 */
public record PipelineEnds(
        Sink<WindowAggregate> windowAggregates,
        Sink<AnomalyEvent> anomalies,
        Sink<DeadLetter> deadLetters,
        Sink<LateEvent> lateEvents,
        Sink<LedgerCounts> ingestLedger,
        AlertEnds alerts) {

    public PipelineEnds {
        Objects.requireNonNull(windowAggregates, "windowAggregates");
        Objects.requireNonNull(anomalies, "anomalies");
        Objects.requireNonNull(deadLetters, "deadLetters");
        Objects.requireNonNull(lateEvents, "lateEvents");
        Objects.requireNonNull(ingestLedger, "ingestLedger");
        Objects.requireNonNull(alerts, "alerts");
    }

    /** Ends that drop everything: for benchmarks, and for tests that watch metrics only. */
    public static PipelineEnds discarding() {
        return new PipelineEnds(
                new DiscardingSink<>(),
                new DiscardingSink<>(),
                new DiscardingSink<>(),
                new DiscardingSink<>(),
                new DiscardingSink<>(),
                AlertEnds.discarding());
    }
}
