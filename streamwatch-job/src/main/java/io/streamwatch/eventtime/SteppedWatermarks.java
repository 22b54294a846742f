package io.streamwatch.eventtime;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness watermarks that advance on events too, whenever they have moved by at
 * least {@code step} of event time, not only on Flink's periodic timer.
 *
 * <p>Why: with periodic emission alone, how far a watermark gets before the next record depends on
 * how fast records are read, so a replay after a failure (read at full speed) can see different
 * watermarks than the live run did: different late events, and event-time timers that fire only at
 * the end-of-input watermark. Steps make each partition's watermark a function of its data. The
 * cost is bounded by event-time progress: one watermark per step of event time, however many records.
 *
 * <p>The watermark follows the partition's {@link PartitionClock}, jump guard included. The events
 * themselves flow on unchanged; only the watermark ignores a jump.
 */
final class SteppedWatermarks<T> implements WatermarkGenerator<T> {
    private final PartitionClock.Rule rule;
    private final long stepMillis;
    private final PartitionClock clock = new PartitionClock();
    private long lastEmitted = Long.MIN_VALUE;

    SteppedWatermarks(PartitionClock.Rule rule, long stepMillis) {
        this.rule = rule;
        this.stepMillis = stepMillis;
    }

    @Override
    public void onEvent(T event, long timestamp, WatermarkOutput output) {
        if (timestamp == Long.MIN_VALUE) return; // a dead letter: no event time
        if (!clock.observe(timestamp, rule)) return; // counted where events are stamped: ValidationSplitter
        long candidate = clock.watermark(rule);
        boolean first = lastEmitted == Long.MIN_VALUE;
        // a difference, not lastEmitted + step, which would overflow before the first emission
        if (first ? candidate > Long.MIN_VALUE : candidate - lastEmitted >= stepMillis) {
            emit(candidate, output);
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long candidate = clock.watermark(rule);
        if (candidate > lastEmitted) emit(candidate, output);
    }

    private void emit(long watermark, WatermarkOutput output) {
        lastEmitted = watermark;
        output.emitWatermark(new Watermark(watermark));
    }
}
