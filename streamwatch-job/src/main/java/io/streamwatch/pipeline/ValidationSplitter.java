package io.streamwatch.pipeline;

import io.streamwatch.model.DeadLetter;
import io.streamwatch.model.Event;
import io.streamwatch.model.Ingested;
import io.streamwatch.model.LedgerCounts;
import io.streamwatch.model.SideOutputs;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Sends valid events on and dead letters to a side output, counting both, and tallies every record
 * read for the ingest ledger.
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

    private transient Counter recordsIn;
    private transient Counter invalid;
    private transient Map<String, LedgerCounts> tallies;
    private transient LedgerCounts last;

    @Override
    public void open() throws Exception {
        super.open();
        recordsIn = getMetricGroup().counter("recordsIn");
        invalid = getMetricGroup().counter("recordsInvalid");
        tallies = new HashMap<>();
    }

    @Override
    public void processElement(StreamRecord<Ingested> element) {
        recordsIn.inc();
        Ingested record = element.getValue();
        if (record.isValid()) {
            Event e = record.event;
            tally(e.topic, e.partition, e.kafkaTimestamp).readAt(e.offset).valid();
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
    }
}
