package io.streamwatch.pipeline;

import io.streamwatch.model.Event;
import io.streamwatch.model.LateEvent;
import io.streamwatch.model.LedgerCounts;
import io.streamwatch.model.SideOutputs;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Records events that came after their window closed for good, with the watermark they were judged by. */
public class LateEventRouter extends ProcessFunction<Event, LateEvent> {
    private static final long serialVersionUID = 1L;
    private transient Counter lateDropped;

    @Override
    public void open(OpenContext openContext) {
        lateDropped = getRuntimeContext().getMetricGroup().counter("lateBeyondLateness");
    }

    @Override
    public void processElement(Event event, Context ctx, Collector<LateEvent> out) {
        lateDropped.inc();
        ctx.output(SideOutputs.LEDGER, LedgerCounts.of(event).lateDropped());
        out.collect(new LateEvent(event, event.partitionWatermark));
    }
}
