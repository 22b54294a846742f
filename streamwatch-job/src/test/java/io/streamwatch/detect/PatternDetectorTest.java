package io.streamwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PatternDetectorTest {

    private final PatternDetector detector = new PatternDetector(16, 4, 512);

    /** Five-minute points of a daily wave with a little noise. */
    private static double[] daily(int n, long seed) {
        Random random = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 10 + Math.sin(2 * Math.PI * i / 288.0) + 0.05 * random.nextGaussian();
        }
        return v;
    }

    private double[] raws(double[] values) {
        PatternState state = detector.newState();
        double[] raw = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            raw[i] = detector.assess(state, 300_000L * i, values[i]).raw();
        }
        return raw;
    }

    @Test
    void aRepeatedPatternIsNearSomethingRememberedAndANewOneIsNot() {
        double[] v = daily(1400, 1);
        // the second day's wave is familiar; a square bump in the third is not
        for (int i = 1200; i < 1240; i++) {
            v[i] += 1.0;
        }
        double[] raw = raws(v);

        double familiar = 0.0;
        for (int i = 600; i < 1200; i++) {
            familiar = Math.max(familiar, raw[i]);
        }
        double novel = 0.0;
        for (int i = 1200; i < 1260; i++) {
            novel = Math.max(novel, raw[i]);
        }
        assertThat(familiar).isLessThan(0.1);
        assertThat(novel).isGreaterThan(3 * familiar);
    }

    @Test
    void warmsUpUntilAWindowOfShapesCanBeComparedAndReportsTheRangeSeen() {
        PatternState state = detector.newState();
        for (int i = 0; i < 46; i++) {
            assertThat(detector.assess(state, i, i % 7).warmingUp()).isTrue();
        }
        Assessment first = detector.assess(state, 46, 3.0);

        assertThat(first.warmingUp()).isFalse();
        assertThat(first.expectedLow()).isEqualTo(0.0);
        assertThat(first.expectedHigh()).isEqualTo(6.0);
        assertThat(first.score()).isBetween(0.0, 1.0);
    }

    @Test
    void stateRestoredUnderOtherSettingsStartsAfresh() {
        PatternState state = detector.newState();
        for (int i = 0; i < 100; i++) {
            detector.assess(state, i, i);
        }
        PatternDetector longer = new PatternDetector(32, 4, 512);

        assertThat(longer.assess(state, 100, 1.0).warmingUp()).isTrue();
        assertThat(state.count).isEqualTo(1);
        assertThat(state.recent).hasSize(32);
    }

    @Test
    void rejectsInvalidParametersByName() {
        assertThatThrownBy(() -> new PatternDetector(1, 1, 512)).hasMessageContaining("window");
        assertThatThrownBy(() -> new PatternDetector(16, 5, 512)).hasMessageContaining("segments");
        assertThatThrownBy(() -> new PatternDetector(16, 4, 0)).hasMessageContaining("memory");
    }
}
