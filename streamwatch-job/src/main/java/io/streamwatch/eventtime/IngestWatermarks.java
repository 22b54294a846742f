package io.streamwatch.eventtime;

import io.streamwatch.model.Ingested;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Watermarks for the ingest stream, applied inside the Kafka source so that each partition has
 * its own watermark and an idle partition stops holding the others back.
 */
public final class IngestWatermarks {
    private IngestWatermarks() {}

    public static WatermarkStrategy<Ingested> strategy(WatermarkSettings settings) {
        PartitionClock.Rule rule = PartitionClock.Rule.of(settings);
        long step = settings.step().toMillis();
        WatermarkStrategy<Ingested> strategy = WatermarkStrategy.<Ingested>forGenerator(
                        context -> new SteppedWatermarks<>(rule, step))
                .withTimestampAssigner(new EventTimeAssigner());
        return settings.idleness().isZero() ? strategy : strategy.withIdleness(settings.idleness());
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
