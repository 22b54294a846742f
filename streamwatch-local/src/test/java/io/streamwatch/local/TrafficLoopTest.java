package io.streamwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrafficLoopTest {
    private static final long MINUTE = 60_000;

    @Test
    void aTickThatComesLateSendsItsEventTimeInBatchesOfOneTick() throws Exception {
        // five seconds of wall time since the clock started, at speed 60: five minutes of event time at once
        long now = System.currentTimeMillis();
        TrafficLoop.EventClock clock = new TrafficLoop.EventClock(now - 5_000, now - 10 * MINUTE, 60);
        Generator generator = new Generator(
                new Generator.Settings(20, 200, 60, 3, 7, 0, 0, 0, MINUTE, 25, 4, 15, 5 * MINUTE),
                clock.eventStart(),
                Long.MAX_VALUE,
                List.of());
        Map<Integer, Long> newest = new HashMap<>();
        long[] furthestBehind = {0};
        TrafficLoop.run(
                generator,
                (partition, timestamp, value) -> {
                    Long before = newest.merge(partition, timestamp, Math::max);
                    furthestBehind[0] = Math.max(furthestBehind[0], before - timestamp);
                },
                clock,
                Duration.ofSeconds(5),
                new StopSignal(),
                () -> {});

        assertThat(generator.clock() - clock.eventStart()).isGreaterThanOrEqualTo(5 * MINUTE);
        long tick = TrafficLoop.TICK.toMillis() * 60;
        assertThat(furthestBehind[0])
                .as("how far a record came behind the newest of its partition")
                .isPositive()
                .isLessThan(tick);
    }
}
