package io.streamwatch.detect;

import static io.streamwatch.detect.DetectorRuns.noise;
import static io.streamwatch.detect.DetectorRuns.run;
import static io.streamwatch.detect.DetectorRuns.serializedSize;
import static io.streamwatch.detect.DetectorRuns.wild;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every value detector on the same scenarios: series around 100, noise of a few units. */
class ValueDetectorScenariosTest {

    /** Longest warm-up of the detectors below: scores before it are not judged. */
    private static final int WARMUP = 10;

    static Stream<Arguments> detectors() {
        return Stream.of(
                argumentSet("threshold", new ThresholdDetector(90.0, 110.0, 10.0)),
                argumentSet("ewma", new EwmaDetector(0.1, WARMUP, ZScoring.DEFAULT)),
                argumentSet("mad", new MadDetector(30, WARMUP, ZScoring.DEFAULT)));
    }

    @ParameterizedTest
    @MethodSource("detectors")
    <S> void flatSeriesWithSpikeScoresOnlyTheSpike(Detector<S> detector) {
        double[] values = constant(100, 100.0);
        values[60] = 200.0;

        List<Assessment> assessed = run(detector, values);

        assertThat(assessed.get(60).score()).isEqualTo(1.0);
        assertThat(assessed.subList(WARMUP, 60)).extracting(Assessment::score).containsOnly(0.0);
        assertThat(assessed.get(60).expectedHigh()).isLessThan(200.0);
    }

    @ParameterizedTest
    @MethodSource("detectors")
    <S> void normalNoiseScoresLowAfterWarmup(Detector<S> detector) {
        double[] values = noise(new Random(42), 1000, 100.0, 2.0);

        List<Double> scores = run(detector, values).subList(WARMUP, values.length).stream()
                .map(Assessment::score)
                .toList();

        assertThat(scores.stream().filter(s -> s > 0.0).count()).isLessThan(scores.size() / 50);
        assertThat(scores).allSatisfy(s -> assertThat(s).isLessThan(0.5));
    }

    @ParameterizedTest
    @MethodSource("detectors")
    <S> void levelShiftScoresHighWhenItHappens(Detector<S> detector) {
        double[] values = noise(new Random(7), 200, 100.0, 1.0);
        for (int i = 100; i < values.length; i++) {
            values[i] += 30.0;
        }

        List<Assessment> assessed = run(detector, values);

        assertThat(assessed.subList(100, 103)).extracting(Assessment::score).containsOnly(1.0);
        assertThat(assessed.subList(WARMUP, 100))
                .allSatisfy(a -> assertThat(a.score()).isLessThan(0.5));
    }

    @ParameterizedTest
    @MethodSource("detectors")
    <S> void scoresStayInRangeOnWildInput(Detector<S> detector) {
        double[] values = wild(new Random(3), 2000);

        assertThat(run(detector, values)).allSatisfy(a -> {
            assertThat(a.score()).isBetween(0.0, 1.0);
            assertThat(a.expectedLow()).isNotNaN().isLessThanOrEqualTo(a.expectedHigh());
        });
    }

    @ParameterizedTest
    @MethodSource("detectors")
    <S> void scoresDoNotDependOnLaterValues(Detector<S> detector) {
        double[] original = noise(new Random(11), 120, 100.0, 3.0);
        double[] changedFuture = original.clone();
        for (int i = 80; i < changedFuture.length; i++) {
            changedFuture[i] = i % 2 == 0 ? 500.0 : -500.0;
        }

        List<Assessment> a = run(detector, original);
        List<Assessment> b = run(detector, changedFuture);

        assertThat(b.subList(0, 80)).isEqualTo(a.subList(0, 80));
        assertThat(b.subList(80, 120)).isNotEqualTo(a.subList(80, 120));
    }

    @ParameterizedTest
    @MethodSource("detectors")
    <S> void stateSizeIsBoundedWhateverTheSeriesLength(Detector<S> detector) throws IOException {
        Random random = new Random(5);
        S state = detector.newState();
        for (int i = 0; i < 100; i++) {
            detector.assess(state, i, 100.0 + random.nextGaussian());
        }
        int afterHundred = serializedSize(detector, state);
        for (int i = 100; i < 20_000; i++) {
            detector.assess(state, i, 100.0 + random.nextGaussian());
        }

        assertThat(serializedSize(detector, state)).isEqualTo(afterHundred);
    }

    private static double[] constant(int n, double value) {
        double[] values = new double[n];
        Arrays.fill(values, value);
        return values;
    }
}
