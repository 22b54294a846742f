package io.streamwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MadDetectorTest {

    @Test
    void scoresTheRobustZAgainstMedianAndMad() {
        MadDetector detector = new MadDetector(5, 5, ZScoring.DEFAULT);
        MadState state = detector.newState();
        for (double v : new double[] {1, 2, 3, 4, 100}) {
            assertThat(detector.assess(state, 0L, v)).isEqualTo(Assessment.WARMING_UP);
        }
        // median 3; deviations 2, 1, 0, 1, 97: MAD 1 despite the 100
        double sd = 1.4826;

        Assessment assessment = detector.assess(state, 0L, 3.0 + 4.5 * sd);

        assertThat(assessment.score()).isCloseTo(0.5, within(1e-9));
        assertThat(assessment.expectedLow()).isCloseTo(3.0 - 3 * sd, within(1e-9));
        assertThat(assessment.expectedHigh()).isCloseTo(3.0 + 3 * sd, within(1e-9));
    }

    @Test
    void forgetsValuesOlderThanTheWindow() {
        MadDetector detector = new MadDetector(3, 3, ZScoring.DEFAULT);
        MadState state = detector.newState();
        for (double v : new double[] {500, 500, 500, 1, 2, 3}) {
            detector.assess(state, 0L, v);
        }

        Assessment assessment = detector.assess(state, 0L, 2.0);

        assertThat(state.values).hasSize(3);
        assertThat(assessment.score()).isEqualTo(0.0);
        assertThat(assessment.expectedHigh()).isCloseTo(2.0 + 3 * 1.4826, within(1e-9));
    }

    /** The median and MAD kept incrementally are those of the window sorted afresh, ties and all. */
    @ParameterizedTest
    @ValueSource(ints = {7, 8})
    void keepsTheMedianAndMadOfTheWindowExactly(int window) {
        MadDetector detector = new MadDetector(window, 3, ZScoring.DEFAULT);
        MadState state = detector.newState();
        Random random = new Random(window);
        List<Double> seen = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            double value = random.nextInt(10) * (random.nextBoolean() ? 1.0 : 0.25);
            Assessment assessment = detector.assess(state, 0L, value);
            if (seen.size() >= 3) {
                double[] last = seen.subList(Math.max(0, seen.size() - window), seen.size()).stream()
                        .mapToDouble(Double::doubleValue)
                        .toArray();
                double median = median(last);
                double[] deviations =
                        Arrays.stream(last).map(v -> Math.abs(v - median)).toArray();
                double spread = ZScoring.DEFAULT.spread(1.4826 * median(deviations), median);
                assertThat(assessment.expectedHigh()).isCloseTo(median + 3 * spread, within(1e-12));
                assertThat(assessment.expectedLow()).isCloseTo(median - 3 * spread, within(1e-12));
            }
            seen.add(value);
        }
    }

    @Test
    void stateWithoutTheSortedCopyRebuildsIt() {
        MadDetector detector = new MadDetector(5, 3, ZScoring.DEFAULT);
        MadState old = new MadState();
        old.values = new double[] {9, 1, 5, 0, 0};
        old.size = 3;
        old.next = 3;

        Assessment assessment = detector.assess(old, 0L, 5.0);

        // median 5 of {9, 1, 5}; deviations 4, 4, 0: MAD 4
        assertThat(assessment.expectedHigh()).isCloseTo(5.0 + 3 * 1.4826 * 4, within(1e-9));
        assertThat(Arrays.copyOf(old.sorted, old.size)).containsExactly(1, 5, 5, 9);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }

    @Test
    void rejectsInvalidParametersByName() {
        assertThatThrownBy(() -> new MadDetector(2, 2, ZScoring.DEFAULT)).hasMessageContaining("window");
        assertThatThrownBy(() -> new MadDetector(10, 2, ZScoring.DEFAULT)).hasMessageContaining("warmup");
        assertThatThrownBy(() -> new MadDetector(10, 11, ZScoring.DEFAULT)).hasMessageContaining("warmup");
        assertThatThrownBy(() -> new MadDetector(10, 5, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scoring");
    }
}
