package io.streamwatch.pipeline;

import io.streamwatch.model.LedgerCounts;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Adds up the ledger deltas of every stage into the row of their partition and minute of arrival,
 * and emits the row's running total on each change (the sink writes only the latest of a batch).
 *
 * <p>A row can only change shortly after its minute was read: its records' outcomes are decided
 * within seconds. So its state is dropped {@code retentionMillis} of processing time after the row
 * was opened; the sink's guard keeps a later, smaller total from replacing the stored one.
 */
public class IngestLedger extends KeyedProcessFunction<String, LedgerCounts, LedgerCounts> {
    private static final long serialVersionUID = 1L;

    private final long retentionMillis;
    private transient ValueState<LedgerCounts> row;
    private transient ValueState<Long> cleanupAt;

    public IngestLedger(long retentionMillis) {
        this.retentionMillis = retentionMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        row = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("ledger-row", TypeInformation.of(LedgerCounts.class)));
        cleanupAt = getRuntimeContext().getState(new ValueStateDescriptor<>("ledger-cleanup-at", Types.LONG));
    }

    @Override
    public void processElement(LedgerCounts delta, Context ctx, Collector<LedgerCounts> out) throws Exception {
        LedgerCounts total = row.value();
        if (total == null) {
            total = delta.copy();
        } else {
            total.add(delta);
        }
        row.update(total);
        out.collect(total.copy());
        // one timer per row: moved forward only when it fires, so updates cost no timer writes
        if (cleanupAt.value() == null) {
            long at = ctx.timerService().currentProcessingTime() + retentionMillis;
            ctx.timerService().registerProcessingTimeTimer(at);
            cleanupAt.update(at);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<LedgerCounts> out) throws Exception {
        row.clear();
        cleanupAt.clear();
    }
}
