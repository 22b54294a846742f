package io.streamwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import org.junit.jupiter.api.Test;

class RangeDetectorTest {

    /** No refractory filter: every score shows. */
    private final RangeDetector detector = new RangeDetector(5, 10.0, 6.0, 0.0);

    /** A state that has seen {@code count} values between 0 and 10. */
    private static RangeState seen(long count) {
        RangeState state = new RangeState();
        state.count = count;
        state.min = 0.0;
        state.max = 10.0;
        return state;
    }

    @Test
    void scoresTheSurpriseOfANewExtreme() {
        // the 1000th value, beyond the range by 20 % of it: log10(1000) + 10 * 0.2 = 5 digits of 6
        Assessment beyond = detector.assess(seen(999), 0L, 12.0);

        assertThat(beyond.score()).isCloseTo(5.0 / 6.0, offset(1e-12));
        assertThat(beyond.raw()).isCloseTo(5.0, offset(1e-12));
        assertThat(beyond.expectedLow()).isEqualTo(0.0);
        assertThat(beyond.expectedHigh()).isEqualTo(10.0);
        assertThat(beyond.detail()).isEqualTo("value beyond the range of 999 seen by 20.0 % of it");
        assertThat(detector.assess(seen(999), 0L, -2.0).score()).isCloseTo(5.0 / 6.0, offset(1e-12));
        assertThat(detector.assess(seen(999), 0L, 7.0).score()).isZero();
    }

    @Test
    void aYoungSeriesMustBeExceededByMoreThanAnOldOne() {
        assertThat(detector.assess(seen(99_999), 0L, 11.0).score()).isEqualTo(1.0);
        assertThat(detector.assess(seen(29), 0L, 11.0).score()).isLessThan(0.5);
    }

    @Test
    void warmsUpThenLearnsTheRangeFromEveryValue() {
        RangeState state = detector.newState();
        for (double v : new double[] {5, 3, 8, 4, 6}) {
            assertThat(detector.assess(state, 0L, v).warmingUp()).isTrue();
        }
        assertThat(detector.assess(state, 0L, 5.0).score()).isZero();
        assertThat(state.min).isEqualTo(3.0);
        assertThat(state.max).isEqualTo(8.0);
    }

    @Test
    void theRefractoryFilterReportsOneOfARunOfExtremes() {
        RangeDetector filtered = new RangeDetector(5, 10.0, 6.0, 0.99);
        RangeState state = seen(10_000);

        assertThat(filtered.assess(state, 0L, 20.0).score()).isEqualTo(1.0);
        assertThat(filtered.assess(state, 0L, 40.0).score()).isZero();
    }

    @Test
    void rejectsInvalidParametersByName() {
        assertThatThrownBy(() -> new RangeDetector(1, 10.0, 6.0, 0.99)).hasMessageContaining("warmup");
        assertThatThrownBy(() -> new RangeDetector(5, 0.0, 6.0, 0.99)).hasMessageContaining("gain");
        assertThatThrownBy(() -> new RangeDetector(5, 10.0, Double.NaN, 0.99)).hasMessageContaining("digits");
        assertThatThrownBy(() -> new RangeDetector(5, 10.0, 6.0, 1.0)).hasMessageContaining("refractoryDecay");
    }
}
