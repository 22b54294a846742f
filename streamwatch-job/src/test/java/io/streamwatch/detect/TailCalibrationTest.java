package io.streamwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TailCalibrationTest {

    @Test
    void tailProbabilitiesAreInZeroToOneAndFallAsTheRawScoreRises() {
        // unsmoothed, so that the raw score given is the one calibrated
        TailCalibration calibration = new TailCalibration(1000, 10, 0.1, 0.1, 5.0, 0.0, 1.0);
        CalibrationState state = calibration.newState();
        Random random = new Random(7);
        for (int i = 0; i < 1000; i++) {
            calibration.tailProbability(state, Math.abs(random.nextGaussian()));
        }
        double previous = 1.0;
        for (double raw = 0.0; raw < 12.0; raw += 0.25) {
            double p = calibration.tailProbability(copy(state), raw);
            assertThat(p).isGreaterThan(0.0).isLessThanOrEqualTo(1.0).isLessThanOrEqualTo(previous);
            previous = p;
        }
        // in the body of the history, p is the empirical tail: |z| > 1 for about 32 % of a normal sample
        assertThat(calibration.tailProbability(copy(state), 1.0)).isBetween(0.25, 0.40);
        assertThat(TailCalibration.DEFAULT.score(1e-5)).isEqualTo(1.0);
        assertThat(TailCalibration.DEFAULT.score(1e-3)).isCloseTo(0.6, offset(1e-12));
        assertThat(TailCalibration.DEFAULT.score(1.0)).isEqualTo(0.0);
    }

    @Test
    void theSortedHistoryStaysTheSortedRingWhenOldValuesLeave() {
        TailCalibration small = new TailCalibration(50, 10, 0.1, 0.1, 5.0, 0.0, 1.0);
        CalibrationState state = small.newState();
        Random random = new Random(8);
        for (int i = 0; i < 500; i++) {
            small.tailProbability(state, random.nextInt(20));
            double[] expected = Arrays.copyOf(state.recent, state.size);
            Arrays.sort(expected);
            assertThat(Arrays.copyOf(state.sorted, state.size)).containsExactly(expected);
        }
    }

    private static CalibrationState copy(CalibrationState s) {
        CalibrationState c = new CalibrationState();
        c.recent = s.recent.clone();
        c.sorted = s.sorted.clone();
        c.size = s.size;
        c.next = s.next;
        c.smoothed = s.smoothed;
        c.peak = s.peak;
        return c;
    }
}
