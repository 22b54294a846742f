package io.streamwatch.eventtime;

/**
 * How far event time has come in one Kafka partition, as a function of that partition's records
 * alone, in offset order. It is the rule behind both the partition's watermark in the source and
 * the watermark each event carries to the late decision ({@code Event.partitionWatermark}), so the
 * two never disagree about the data.
 *
 * <p>The jump guard: an event more than {@code maxJump} ahead of the highest event time so far
 * moves the clock only as the last of {@code confirmations} such events in a row (a producer back
 * after an outage), and then only to the earliest of them; a normal event in between ends the run.
 * One event far ahead (a wrong clock, a live event in a replay) does not drag the clock along.
 *
 * <p>Public fields, so that Flink keeps it in operator state as a POJO; with the topic, partition
 * and offset of the last record that moved it, so a restore can tell whose copy is newest.
 */
public final class PartitionClock {
    public String topic;
    public int partition;
    /** Offset of the last record observed. */
    public long offset = -1;
    /** Highest event time that moved the clock; {@link Long#MIN_VALUE} before the first event. */
    public long maxTimestamp = Long.MIN_VALUE;

    public int jumpRun;
    public long jumpRunLowest;

    public PartitionClock() {}

    public PartitionClock(String topic, int partition) {
        this.topic = topic;
        this.partition = partition;
    }

    /** The rule's parameters; {@code maxJumpMillis} 0 disables the jump guard. */
    public record Rule(long outOfOrdernessMillis, long maxJumpMillis, int confirmations)
            implements java.io.Serializable {
        public Rule {
            confirmations = Math.max(1, confirmations);
        }

        public static Rule of(WatermarkSettings settings) {
            return new Rule(
                    settings.maxOutOfOrderness().toMillis(),
                    settings.maxJump().toMillis(),
                    settings.jumpConfirmations());
        }
    }

    /**
     * Takes one event's time into account.
     *
     * @return false when the jump guard held the event back (it did not move the clock)
     */
    public boolean observe(long timestamp, Rule rule) {
        if (isJump(timestamp, rule)) {
            jumpRunLowest = jumpRun == 0 ? timestamp : Math.min(jumpRunLowest, timestamp);
            if (++jumpRun < rule.confirmations()) return false;
            // confirmed: the stream moved on; the run's earliest event is where it now stands
            timestamp = jumpRunLowest;
        }
        jumpRun = 0;
        maxTimestamp = Math.max(maxTimestamp, timestamp);
        return true;
    }

    /** The watermark: the highest event time minus the out-of-orderness; {@link Long#MIN_VALUE} before any event. */
    public long watermark(Rule rule) {
        if (maxTimestamp == Long.MIN_VALUE) return Long.MIN_VALUE;
        long watermark = maxTimestamp - rule.outOfOrdernessMillis() - 1;
        return watermark > maxTimestamp ? Long.MIN_VALUE : watermark; // underflow near Long.MIN_VALUE
    }

    private boolean isJump(long timestamp, Rule rule) {
        return rule.maxJumpMillis() > 0
                && maxTimestamp != Long.MIN_VALUE
                && timestamp - maxTimestamp > rule.maxJumpMillis();
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset + " max=" + maxTimestamp + " jumpRun=" + jumpRun;
    }
}
