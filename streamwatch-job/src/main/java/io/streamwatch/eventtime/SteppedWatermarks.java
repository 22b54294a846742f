package io.streamwatch.eventtime;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.metrics.Counter;

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
 * <p>A jump guard keeps one event far ahead of its partition from dragging the watermark along (a
 * live event in a replay, a producer with a wrong clock): an event more than {@code maxJump} ahead
 * of the highest event time so far moves the watermark only as the last of {@code confirmations}
 * such events in a row, as when a producer comes back after an outage. A normal event in between
 * ends the run. The events themselves flow on unchanged; only the watermark ignores them.
 */
final class SteppedWatermarks<T> implements WatermarkGenerator<T> {
    private final long outOfOrdernessMillis;
    private final long stepMillis;
    private final long maxJumpMillis;
    private final int confirmations;
    private final Counter jumpsIgnored;
    private long maxTimestamp;
    private boolean seenEvent;
    private long lastEmitted = Long.MIN_VALUE;
    private int jumpRun;
    private long jumpRunLowest;

    /**
     * @param maxJumpMillis 0 for no jump guard
     * @param confirmations events in a row, each beyond the jump, that make the jump real (at least 1)
     * @param jumpsIgnored counts events the watermark ignored
     */
    SteppedWatermarks(
            long outOfOrdernessMillis, long stepMillis, long maxJumpMillis, int confirmations, Counter jumpsIgnored) {
        this.outOfOrdernessMillis = outOfOrdernessMillis;
        this.stepMillis = stepMillis;
        this.maxJumpMillis = maxJumpMillis;
        this.confirmations = Math.max(1, confirmations);
        this.jumpsIgnored = jumpsIgnored;
        this.maxTimestamp = Long.MIN_VALUE + outOfOrdernessMillis + 1;
    }

    @Override
    public void onEvent(T event, long timestamp, WatermarkOutput output) {
        if (timestamp == Long.MIN_VALUE) return; // a dead letter: no event time
        if (isJump(timestamp)) {
            jumpRunLowest = jumpRun == 0 ? timestamp : Math.min(jumpRunLowest, timestamp);
            if (++jumpRun < confirmations) {
                jumpsIgnored.inc();
                return;
            }
            // confirmed: the stream moved on; the run's earliest event is where it now stands
            timestamp = jumpRunLowest;
        }
        jumpRun = 0;
        seenEvent = true;
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

    private boolean isJump(long timestamp) {
        return maxJumpMillis > 0 && seenEvent && timestamp - maxTimestamp > maxJumpMillis;
    }

    private long current() {
        return maxTimestamp - outOfOrdernessMillis - 1;
    }

    private void emit(long watermark, WatermarkOutput output) {
        lastEmitted = watermark;
        output.emitWatermark(new Watermark(watermark));
    }
}
