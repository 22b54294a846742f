package io.streamwatch.nab.prototype;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.detect.Assessment;

import org.junit.jupiter.api.Test;

import java.util.Random;

class ShapeTest {

    @Test
    void flagsALevelShiftOnceAndKeepsStateBounded() {
        Shape shape = new Shape();
        Shape.State s = shape.newState();
        Random random = new Random(7);
        int memoryLength = s.memory.length;
        double maxBefore = 0;
        double maxAfter = 0;
        int flaggedAfter = 0;
        for (int i = 0; i < 3000; i++) {
            double daily = Math.sin(2 * Math.PI * i / 288.0);
            double value = 10 + daily + 0.1 * random.nextGaussian() + (i >= 2000 ? 5 : 0);
            Assessment a = shape.assess(s, i * 300_000L, value);
            assertThat(a.score()).isBetween(0.0, 1.0);
            if (i > 1000 && i < 2000) {
                maxBefore = Math.max(maxBefore, a.score());
            } else if (i >= 2000) {
                maxAfter = Math.max(maxAfter, a.score());
                flaggedAfter += a.score() >= 0.58 ? 1 : 0;
            }
        }
        assertThat(maxAfter).isEqualTo(1.0);
        assertThat(maxBefore).isLessThan(0.58);
        assertThat(flaggedAfter).isBetween(1, 3); // the refractory filter keeps one event one flag
        assertThat(s.memory.length).isEqualTo(memoryLength);
    }
}
