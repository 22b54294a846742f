package io.streamwatch.pipeline;

import io.streamwatch.aggregate.AggregationSettings;
import io.streamwatch.aggregate.OnTimeAndFinalTrigger;
import io.streamwatch.aggregate.SeriesAggregateFunction;
import io.streamwatch.aggregate.WindowResultFunction;
import io.streamwatch.alert.AlertStage;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.dedupe.DedupeFunction;
import io.streamwatch.detect.DetectionFunction;
import io.streamwatch.eventtime.CaughtUpIdleness;
import io.streamwatch.eventtime.IngestWatermarks;
import io.streamwatch.eventtime.PartitionClock;
import io.streamwatch.model.AnomalyEvent;
import io.streamwatch.model.DeadLetter;
import io.streamwatch.model.Event;
import io.streamwatch.model.Ingested;
import io.streamwatch.model.LateEvent;
import io.streamwatch.model.LedgerCounts;
import io.streamwatch.model.SideOutputs;
import io.streamwatch.model.WindowAggregate;
import java.time.Duration;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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
    /** How long the ledger keeps a row's running total after the row was opened. */
    static final Duration LEDGER_RETENTION = Duration.ofHours(1);

    private StreamwatchPipeline() {}

    /**
     * Reads the source, assigns event time and watermarks (per split: per Kafka partition; a split
     * goes idle only when its reader is caught up, {@link CaughtUpIdleness}), and adds every stage up
     * to the ends.
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
                        CaughtUpIdleness.of(source, config.watermarks().idleness()),
                        IngestWatermarks.strategy(config.watermarks()),
                        "read-events",
                        TypeInformation.of(Ingested.class))
                .uid("kafka-source");
        SingleOutputStreamOperator<Event> valid = ingested.transform(
                        "validate-contract",
                        TypeInformation.of(Event.class),
                        new ValidationSplitter(PartitionClock.Rule.of(config.watermarks())))
                .uid("validate-contract");

        SingleOutputStreamOperator<Event> unique = valid.keyBy(
                        DedupeFunction.scopeKey(config.dedupe().scope()), Types.STRING)
                .process(new DedupeFunction(config.dedupe()))
                .name(DedupeFunction.STAGE)
                .uid(DedupeFunction.STAGE);

        SingleOutputStreamOperator<Event> measured = unique.process(new LatenessMeter(
                        WindowAssigners.of(config.aggregation()),
                        config.aggregation().allowedLateness().toMillis()))
                .name(LatenessMeter.STAGE)
                .uid(LatenessMeter.STAGE);
        SingleOutputStreamOperator<WindowAggregate> aggregates = aggregate(measured, config.aggregation());
        aggregates
                .sinkTo(ends.windowAggregates())
                .name("window-aggregates-sink")
                .uid("window-aggregates-sink");

        SingleOutputStreamOperator<AnomalyEvent> anomalies = aggregates
                .getSideOutput(WindowResultFunction.COMPLETE_WINDOWS)
                .keyBy((WindowAggregate a) -> a.seriesKey, Types.STRING)
                .process(new DetectionFunction(
                        config.detection().detectors(),
                        config.detection().settings(),
                        config.aggregation().allowedLateness().toMillis()))
                .name(DetectionFunction.STAGE)
                .uid(DetectionFunction.STAGE);
        anomalies.sinkTo(ends.anomalies()).name("anomalies-sink").uid("anomalies-sink");
        Optional<DataStream<DeadLetter>> alertQuarantine =
                AlertStage.attach(anomalies, config.alerting(), ends.alerts());

        // late by their partition's watermark, and (a partition far behind the others) by the window operator's
        SingleOutputStreamOperator<LateEvent> late = measured.getSideOutput(LATE_EVENTS)
                .union(aggregates.getSideOutput(LATE_EVENTS))
                .process(new LateEventRouter())
                .name("route-late-events")
                .uid("route-late-events");
        late.sinkTo(ends.lateEvents()).name("late-events-sink").uid("late-events-sink");

        DataStream<DeadLetter> deadLetters = valid.getSideOutput(ValidationSplitter.DEAD_LETTERS)
                .union(
                        unique.getSideOutput(SideOutputs.QUARANTINE),
                        measured.getSideOutput(SideOutputs.QUARANTINE),
                        aggregates.getSideOutput(SideOutputs.QUARANTINE),
                        anomalies.getSideOutput(SideOutputs.QUARANTINE));
        if (alertQuarantine.isPresent()) deadLetters = deadLetters.union(alertQuarantine.get());
        deadLetters.sinkTo(ends.deadLetters()).name("dead-letters-sink").uid("dead-letters-sink");

        valid.getSideOutput(SideOutputs.LEDGER)
                .union(
                        unique.getSideOutput(SideOutputs.LEDGER),
                        measured.getSideOutput(SideOutputs.LEDGER),
                        late.getSideOutput(SideOutputs.LEDGER))
                .keyBy(LedgerCounts::rowKey, Types.STRING)
                .process(new IngestLedger(LEDGER_RETENTION.toMillis()))
                .name("count-ingest-ledger")
                .uid("count-ingest-ledger")
                .sinkTo(ends.ingestLedger())
                .name("ingest-ledger-sink")
                .uid("ingest-ledger-sink");
    }

    /** Per-series event-time windows; late events beyond the allowed lateness go to {@link #LATE_EVENTS}. */
    static SingleOutputStreamOperator<WindowAggregate> aggregate(
            DataStream<Event> events, AggregationSettings aggregation) {
        return events.keyBy((Event e) -> e.seriesKey, Types.STRING)
                .window(WindowAssigners.admitting(aggregation))
                .trigger(new OnTimeAndFinalTrigger(aggregation.allowedLateness().toMillis()))
                .allowedLateness(aggregation.allowedLateness())
                .sideOutputLateData(LATE_EVENTS)
                .aggregate(
                        new SeriesAggregateFunction(aggregation.quantileRelativeAccuracy()),
                        new WindowResultFunction(
                                aggregation.window() == AggregationSettings.WindowType.SESSION,
                                aggregation.allowedLateness().toMillis()))
                .name(WindowResultFunction.STAGE)
                .uid(WindowResultFunction.STAGE);
    }
}
