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
 */
final class SteppedWatermarks<T> implements WatermarkGenerator<T> {
    private final long outOfOrdernessMillis;
    private final long stepMillis;
    private long maxTimestamp;
    private long lastEmitted = Long.MIN_VALUE;

    SteppedWatermarks(long outOfOrdernessMillis, long stepMillis) {
        this.outOfOrdernessMillis = outOfOrdernessMillis;
        this.stepMillis = stepMillis;
        this.maxTimestamp = Long.MIN_VALUE + outOfOrdernessMillis + 1;
    }

    @Override
    public void onEvent(T event, long timestamp, WatermarkOutput output) {
        maxTimestamp = Math.max(maxTimestamp, timestamp);
        long candidate = current();
        boolean first = lastEmitted == Long.MIN_VALUE;
        // a difference, not lastEmitted + step, which would overflow before the first emission
        if (first ? candidate > Long.MIN_VALUE : candidate - lastEmitted >= stepMillis) {
            emit(candidate, output);
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long candidate = current();
        if (candidate > lastEmitted) emit(candidate, output);
    }

    private long current() {
        return maxTimestamp - outOfOrdernessMillis - 1;
    }

    private void emit(long watermark, WatermarkOutput output) {
        lastEmitted = watermark;
        output.emitWatermark(new Watermark(watermark));
    }
}
