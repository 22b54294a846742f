package io.streamwatch.pipeline;

import io.streamwatch.aggregate.SeriesAggregateFunction;
import io.streamwatch.alert.AlertStage;
import io.streamwatch.aggregate.WindowResultFunction;
import io.streamwatch.config.AggregationSettings;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.dedupe.DedupeFunction;
import io.streamwatch.detect.DetectionFunction;
import io.streamwatch.model.AnomalyEvent;
import io.streamwatch.model.Event;
import io.streamwatch.model.Ingested;
import io.streamwatch.model.WindowAggregate;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.OutputTag;

/**
 * The topology, and the one seam for I/O: production wires it to Kafka and PostgreSQL, tests to
 * in-memory sources and collecting sinks. It never builds a connector itself.
 *
 * <pre>
 * ingested ─ validate-contract ─┬─ dedupe-by-event-id ─ measure-lateness ─ aggregate-windows ─┬─ detect-anomalies ─ anomalies
 *                               └─ dead letters                                 late events ─┘└─ window aggregates
 * </pre>
 */
public final class StreamwatchPipeline {
    public static final OutputTag<Event> LATE_EVENTS = new OutputTag<>("late-events") {};

    private StreamwatchPipeline() {}

    /**
     * @param ingested parsed records with event-time timestamps and watermarks already assigned
     *     (see {@link IngestWatermarks}); the Kafka source assigns them per partition
     */
    public static void define(DataStream<Ingested> ingested, StreamwatchConfig config, PipelineSinks sinks) {
        SingleOutputStreamOperator<Event> valid = ingested
                .process(new ValidationSplitter())
                .name("validate-contract").uid("validate-contract");
        valid.getSideOutput(ValidationSplitter.DEAD_LETTERS)
                .sinkTo(sinks.deadLetters()).name("dead-letters-sink").uid("dead-letters-sink");

        DataStream<Event> unique = valid
                .keyBy(DedupeFunction.scopeKey(config.dedupe().scope()), Types.STRING)
                .process(new DedupeFunction(config.dedupe()))
                .name("dedupe-by-event-id").uid("dedupe-by-event-id");

        SingleOutputStreamOperator<WindowAggregate> aggregates = aggregate(unique, config.aggregation());
        aggregates.sinkTo(sinks.windowAggregates()).name("window-aggregates-sink").uid("window-aggregates-sink");

        SingleOutputStreamOperator<AnomalyEvent> anomalies = aggregates
                .keyBy((WindowAggregate a) -> a.seriesKey, Types.STRING)
                .process(new DetectionFunction(config.detection().detectors(), config.detection().settings()))
                .name("detect-anomalies").uid("detect-anomalies");
        anomalies.sinkTo(sinks.anomalies()).name("anomalies-sink").uid("anomalies-sink");
        AlertStage.attach(anomalies, config.alerting(), sinks.alertOutbox());

        aggregates.getSideOutput(LATE_EVENTS)
                .process(new LateEventRouter())
                .name("route-late-events").uid("route-late-events")
                .sinkTo(sinks.lateEvents()).name("late-events-sink").uid("late-events-sink");
    }

    /** Per-series event-time windows; late events beyond the allowed lateness go to {@link #LATE_EVENTS}. */
    static SingleOutputStreamOperator<WindowAggregate> aggregate(DataStream<Event> events, AggregationSettings aggregation) {
        WindowAssigner<Object, TimeWindow> windows = WindowAssigners.of(aggregation);
        return events
                .process(new LatenessMeter(windows, aggregation.allowedLateness().toMillis()))
                .name("measure-lateness").uid("measure-lateness")
                .keyBy((Event e) -> e.seriesKey, Types.STRING)
                .window(windows)
                .allowedLateness(aggregation.allowedLateness())
                .sideOutputLateData(LATE_EVENTS)
                .aggregate(new SeriesAggregateFunction(aggregation.quantileRelativeAccuracy()),
                        new WindowResultFunction(aggregation.window() == AggregationSettings.WindowType.SESSION))
                .name("aggregate-windows").uid("aggregate-windows");
    }
}
