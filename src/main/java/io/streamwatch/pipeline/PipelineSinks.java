package io.streamwatch.pipeline;

import io.streamwatch.alert.AlertOutbox;
import io.streamwatch.model.AnomalyEvent;
import io.streamwatch.model.DeadLetter;
import io.streamwatch.model.LateEvent;
import io.streamwatch.model.WindowAggregate;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * Where the pipeline's results go: JDBC in production, collecting sinks in tests. The alert outbox
 * may be null while no alert receiver is configured.
 */
public record PipelineSinks(
        Sink<WindowAggregate> windowAggregates,
        Sink<AnomalyEvent> anomalies,
        Sink<DeadLetter> deadLetters,
        Sink<LateEvent> lateEvents,
        AlertOutbox alertOutbox) {}
