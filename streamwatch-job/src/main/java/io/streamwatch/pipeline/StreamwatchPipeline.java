package io.streamwatch.pipeline;

import io.streamwatch.aggregate.AggregationSettings;
import io.streamwatch.aggregate.SeriesAggregateFunction;
import io.streamwatch.aggregate.WindowResultFunction;
import io.streamwatch.alert.AlertStage;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.dedupe.DedupeFunction;
import io.streamwatch.detect.DetectionFunction;
import io.streamwatch.eventtime.IngestWatermarks;
import io.streamwatch.model.AnomalyEvent;
import io.streamwatch.model.Event;
import io.streamwatch.model.Ingested;
import io.streamwatch.model.WindowAggregate;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.OutputTag;

/**
 * The topology, and the one seam for I/O: production wires it to Kafka and PostgreSQL, tests and
 * benchmarks to in-memory sources and collecting ends. It never builds a connector itself.
 *
 * <pre>
 * source ─ validate-contract ─┬─ dedupe-by-event-id ─ measure-lateness ─ aggregate-windows ─┬─ detect-anomalies ─ anomalies
 *                               └─ dead letters                                 late events ─┘└─ window aggregates
 * </pre>
 */
public final class StreamwatchPipeline {
    public static final OutputTag<Event> LATE_EVENTS = new OutputTag<>("late-events") {};

    private StreamwatchPipeline() {}

    /**
     * Reads the source, assigns event time and watermarks (per split: per Kafka partition), and
     * adds every stage up to the ends.
     *
     * @param source parsed records, valid or not; its uid stays {@code kafka-source} whatever it
     *     reads, so that savepoints taken before a change of source restore
     */
    public static void define(
            StreamExecutionEnvironment env,
            Source<Ingested, ?, ?> source,
            StreamwatchConfig config,
            PipelineEnds ends) {
        DataStream<Ingested> ingested = env.fromSource(
                        source,
                        IngestWatermarks.strategy(config.watermarks()),
                        "read-events",
                        TypeInformation.of(Ingested.class))
                .uid("kafka-source");
        SingleOutputStreamOperator<Event> valid = ingested.process(new ValidationSplitter())
                .name("validate-contract")
                .uid("validate-contract");
        valid.getSideOutput(ValidationSplitter.DEAD_LETTERS)
                .sinkTo(ends.deadLetters())
                .name("dead-letters-sink")
                .uid("dead-letters-sink");

        DataStream<Event> unique = valid.keyBy(
                        DedupeFunction.scopeKey(config.dedupe().scope()), Types.STRING)
                .process(new DedupeFunction(config.dedupe()))
                .name("dedupe-by-event-id")
                .uid("dedupe-by-event-id");

        SingleOutputStreamOperator<WindowAggregate> aggregates = aggregate(unique, config.aggregation());
        aggregates
                .sinkTo(ends.windowAggregates())
                .name("window-aggregates-sink")
                .uid("window-aggregates-sink");

        SingleOutputStreamOperator<AnomalyEvent> anomalies = aggregates
                .keyBy((WindowAggregate a) -> a.seriesKey, Types.STRING)
                .process(new DetectionFunction(
                        config.detection().detectors(), config.detection().settings()))
                .name("detect-anomalies")
                .uid("detect-anomalies");
        anomalies.sinkTo(ends.anomalies()).name("anomalies-sink").uid("anomalies-sink");
        AlertStage.attach(anomalies, config.alerting(), ends.alerts());

        aggregates
                .getSideOutput(LATE_EVENTS)
                .process(new LateEventRouter())
                .name("route-late-events")
                .uid("route-late-events")
                .sinkTo(ends.lateEvents())
                .name("late-events-sink")
                .uid("late-events-sink");
    }

    /** Per-series event-time windows; late events beyond the allowed lateness go to {@link #LATE_EVENTS}. */
    static SingleOutputStreamOperator<WindowAggregate> aggregate(
            DataStream<Event> events, AggregationSettings aggregation) {
        WindowAssigner<Object, TimeWindow> windows = WindowAssigners.of(aggregation);
        return events.process(
                        new LatenessMeter(windows, aggregation.allowedLateness().toMillis()))
                .name("measure-lateness")
                .uid("measure-lateness")
                .keyBy((Event e) -> e.seriesKey, Types.STRING)
                .window(windows)
                .allowedLateness(aggregation.allowedLateness())
                .sideOutputLateData(LATE_EVENTS)
                .aggregate(
                        new SeriesAggregateFunction(aggregation.quantileRelativeAccuracy()),
                        new WindowResultFunction(aggregation.window() == AggregationSettings.WindowType.SESSION))
                .name("aggregate-windows")
                .uid("aggregate-windows");
    }
}
