package io.streamwatch.pipeline;

import io.streamwatch.eventtime.PartitionClock;
import io.streamwatch.model.DeadLetter;
import io.streamwatch.model.Event;
import io.streamwatch.model.Ingested;
import io.streamwatch.model.LedgerCounts;
import io.streamwatch.model.SideOutputs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;

/**
 * Sends valid events on and dead letters to a side output, counting both, and tallies every record
 * read for the ingest ledger.
 *
 * <p>It also stamps each event with its partition's watermark ({@link Event#partitionWatermark}).
 * Chained to the source, it sees each partition's records in offset order, and it keeps one
 * {@link PartitionClock} per partition in checkpointed state, so the stamp replays identically
 * after a restore, at any read speed and with any parallelism (the clocks are union state: a
 * rescaled subtask finds the clocks of the partitions it is given, newest copy by offset).
 *
 * <p>At the end of input (a drain) it announces itself active and sends the final watermark itself:
 * a source whose splits are all idle drops the final watermark Flink sends at a drain, so the
 * windows still open would never fire and their rows would be lost.
 *
 * <p>The tallies are kept on the heap per partition and minute of arrival and sent on before each
 * checkpoint barrier, at the end of input, and when many rows are open. So a checkpoint holds
 * exactly the ledger of the records it has read, and a restore, which forgets the tallies since,
 * reads those records again: the ledger stays exact without one ledger record per event.
 */
public class ValidationSplitter extends AbstractStreamOperator<Event>
        implements OneInputStreamOperator<Ingested, Event>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};
    private static final int MAX_OPEN_ROWS = 1024;
    private static final ListStateDescriptor<PartitionClock> CLOCKS =
            new ListStateDescriptor<>("partition-clocks", PartitionClock.class);

    private final PartitionClock.Rule clockRule;

    private transient Counter recordsIn;
    private transient Counter invalid;
    /** One counter for all partitions (a watermark generator per partition cannot share one metric name). */
    private transient Counter jumpsIgnored;

    private transient Map<String, LedgerCounts> tallies;
    private transient LedgerCounts last;
    private transient Map<String, PartitionClock> clocks;
    private transient PartitionClock lastClock;
    private transient ListState<PartitionClock> clockState;

    public ValidationSplitter(PartitionClock.Rule clockRule) {
        this.clockRule = clockRule;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        clockState = context.getOperatorStateStore().getUnionListState(CLOCKS);
        clocks = new HashMap<>();
        for (PartitionClock restored : clockState.get()) {
            clocks.merge(
                    clockKey(restored.topic, restored.partition), restored, (a, b) -> a.offset >= b.offset ? a : b);
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        clockState.update(new ArrayList<>(clocks.values()));
    }

    @Override
    public void open() throws Exception {
        super.open();
        recordsIn = getMetricGroup().counter("recordsIn");
        invalid = getMetricGroup().counter("recordsInvalid");
        jumpsIgnored = getMetricGroup().counter("eventTimeJumpsIgnored");
        tallies = new HashMap<>();
    }

    @Override
    public void processElement(StreamRecord<Ingested> element) {
        recordsIn.inc();
        Ingested record = element.getValue();
        if (record.isValid()) {
            Event e = record.event;
            tally(e.topic, e.partition, e.kafkaTimestamp).readAt(e.offset).valid();
            stamp(e);
            output.collect(element.replace(e));
        } else {
            DeadLetter d = record.deadLetter;
            LedgerCounts t = tally(d.topic, d.partition, d.kafkaTimestamp).readAt(d.offset);
            if (d.errorCode == DeadLetter.ErrorCode.PROCESSING_ERROR) t.quarantined();
            else t.invalid();
            invalid.inc();
            output.collect(DEAD_LETTERS, new StreamRecord<>(d, element.getTimestamp()));
        }
        if (tallies.size() >= MAX_OPEN_ROWS) flushTallies();
    }

    private void stamp(Event e) {
        PartitionClock clock = lastClock;
        if (clock == null || clock.partition != e.partition || !clock.topic.equals(e.topic)) {
            clock = clocks.computeIfAbsent(
                    clockKey(e.topic, e.partition), k -> new PartitionClock(e.topic, e.partition));
            lastClock = clock;
        }
        e.partitionWatermark = clock.watermark(clockRule);
        if (!clock.observe(e.eventTime, clockRule)) jumpsIgnored.inc();
        clock.offset = e.offset;
    }

    private static String clockKey(String topic, int partition) {
        return topic + '\u0000' + partition;
    }

    /** The tally of the record's row; a partition's records mostly share the last one's, so no lookup then. */
    private LedgerCounts tally(String topic, int partition, long kafkaTimestamp) {
        if (last != null && last.partition == partition && last.topic.equals(topic) && last.covers(kafkaTimestamp)) {
            return last;
        }
        LedgerCounts empty = LedgerCounts.at(topic, partition, kafkaTimestamp);
        last = tallies.computeIfAbsent(empty.rowKey(), k -> empty);
        return last;
    }

    private void flushTallies() {
        for (LedgerCounts t : tallies.values()) output.collect(SideOutputs.LEDGER, new StreamRecord<>(t));
        tallies.clear();
        last = null;
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flushTallies();
    }

    @Override
    public void endInput() {
        flushTallies();
        output.emitWatermarkStatus(WatermarkStatus.ACTIVE);
        output.emitWatermark(Watermark.MAX_WATERMARK);
    }
}
