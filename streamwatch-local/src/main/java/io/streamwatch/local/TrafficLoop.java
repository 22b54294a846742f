package io.streamwatch.local;

import java.time.Duration;

/** Drives a {@link Generator} from the wall clock, faster than real time until it catches up with it. */
final class TrafficLoop {
    /** Each tick's batch is shuffled: at speed 60 a tick spans 3 s of event time, within the job's 5 s of out-of-orderness. */
    static final Duration TICK = Duration.ofMillis(50);

    private TrafficLoop() {}

    /** Event time runs {@code speed} times faster than wall time from {@code eventStart}, but never ahead of the wall clock. */
    record EventClock(long wallStart, long eventStart, double speed) {
        static EventClock startingBehind(Duration behind, double speed) {
            long now = System.currentTimeMillis();
            return new EventClock(now, now - behind.toMillis(), speed);
        }

        long at(long wallNow) {
            return Math.min(eventStart + (long) ((wallNow - wallStart) * speed), wallNow);
        }
    }

    /** Runs until {@code duration} (null: no limit) passes or a stop is requested; {@code everySecond} reports progress. */
    static void run(
            Generator generator,
            Generator.Output out,
            EventClock clock,
            Duration duration,
            StopSignal stop,
            Runnable everySecond)
            throws InterruptedException {
        long end = duration == null ? Long.MAX_VALUE : clock.wallStart() + duration.toMillis();
        long nextReport = clock.wallStart();
        // a late tick (a loaded machine, a pause) sends several batches: a wider shuffle would make late events
        long step = Math.max(1, (long) (TICK.toMillis() * clock.speed()));
        while (true) {
            long now = Math.min(System.currentTimeMillis(), end);
            for (long target = clock.at(now), t = generator.clock(); t < target; ) {
                t = Math.min(target, t + step);
                generator.advanceTo(t, out);
            }
            if (now >= nextReport) {
                everySecond.run();
                nextReport = now + 1000;
            }
            if (now >= end || stop.await(TICK)) return;
        }
    }
}
