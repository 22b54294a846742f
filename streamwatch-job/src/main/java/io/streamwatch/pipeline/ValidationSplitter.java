package io.streamwatch.pipeline;

import io.streamwatch.model.DeadLetter;
import io.streamwatch.model.Event;
import io.streamwatch.model.Ingested;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Sends valid events on and dead letters to a side output, counting both. */
public class ValidationSplitter extends ProcessFunction<Ingested, Event> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private transient Counter recordsIn;
    private transient Counter invalid;

    @Override
    public void open(OpenContext openContext) {
        recordsIn = getRuntimeContext().getMetricGroup().counter("recordsIn");
        invalid = getRuntimeContext().getMetricGroup().counter("recordsInvalid");
    }

    @Override
    public void processElement(Ingested record, Context ctx, Collector<Event> out) {
        recordsIn.inc();
        if (record.isValid()) {
            out.collect(record.event);
        } else {
            invalid.inc();
            ctx.output(DEAD_LETTERS, record.deadLetter);
        }
    }
}
