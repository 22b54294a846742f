package io.streamwatch.eventtime;

import io.streamwatch.model.Ingested;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Watermarks for the ingest stream, applied inside the Kafka source so that each partition has
 * its own watermark. Idleness, which lets a quiet partition stop holding the others back, is the
 * source's: {@link CaughtUpIdleness}, which marks a partition idle only when its reader is caught up.
 */
public final class IngestWatermarks {
    private IngestWatermarks() {}

    public static WatermarkStrategy<Ingested> strategy(WatermarkSettings settings) {
        PartitionClock.Rule rule = PartitionClock.Rule.of(settings);
        long step = settings.step().toMillis();
        return WatermarkStrategy.<Ingested>forGenerator(context -> new SteppedWatermarks<>(rule, step))
                .withTimestampAssigner(new EventTimeAssigner());
    }

    /**
     * Valid events carry their event time. Dead letters get the smallest timestamp so that they
     * never advance a watermark: their Kafka timestamp says nothing about event time.
     */
    static final class EventTimeAssigner implements SerializableTimestampAssigner<Ingested> {
        @Override
        public long extractTimestamp(Ingested record, long kafkaTimestamp) {
            return record.isValid() ? record.event.eventTime : Long.MIN_VALUE;
        }
    }
}
