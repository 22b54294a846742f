package io.streamwatch.detect;

import static io.streamwatch.detect.DetectorRuns.noise;
import static io.streamwatch.detect.DetectorRuns.run;
import static io.streamwatch.detect.DetectorRuns.serializedSize;
import static io.streamwatch.detect.DetectorRuns.wild;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import io.streamwatch.config.StreamwatchConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The detectors that learn what is normal for each series (calibrated ones, pattern, range,
 * ensembles, the pipeline's default): the same behavioural scenarios for each, on series around 100
 * with noise of 2.
 */
class LearningDetectorScenariosTest {

    private static final Detector<?> DEFAULT =
            StreamwatchConfig.defaults(Map.of()).detection().detectors().get(0);

    /** Each detector with the number of values it warms up for. */
    static Stream<Arguments> detectors() {
        return Stream.of(
                // the inner detector's 10, 4 more for the first average of 5, then 10 averages
                argumentSet(
                        "ewma calibrated",
                        new CalibratedDetector<>(
                                new EwmaDetector(0.03, 0.001, 10, ZScoring.DEFAULT), LikelihoodCalibration.DEFAULT),
                        24),
                argumentSet(
                        "mad calibrated",
                        new CalibratedDetector<>(
                                new MadDetector(100, 10, ZScoring.DEFAULT), LikelihoodCalibration.DEFAULT),
                        24),
                // 3 * 16 - 1 values until 16 shapes compare, then as above
                argumentSet(
                        "pattern calibrated",
                        new CalibratedDetector<>(new PatternDetector(16, 4, 512), LikelihoodCalibration.DEFAULT),
                        60),
                argumentSet(
                        "mad tail-calibrated",
                        new CalibratedDetector<>(new MadDetector(100, 10, ZScoring.DEFAULT), TailCalibration.DEFAULT),
                        20),
                argumentSet("range", new RangeDetector(20, 10.0, 6.0, 0.99), 20),
                // an ensemble warms up with its quickest member
                argumentSet("the default ensemble", DEFAULT, 20));
    }

    @ParameterizedTest
    @MethodSource("detectors")
    <S> void warmsUpForItsStatedLengthThenScores(Detector<S> detector, int warmup) {
        List<Assessment> assessed = run(detector, noise(new Random(1), 200, 100.0, 2.0));

        assertThat(assessed.subList(0, warmup))
                .allSatisfy(a -> assertThat(a.warmingUp()).isTrue());
        assertThat(assessed.get(warmup).warmingUp()).isFalse();
    }

    @Test
    void theDefaultScoresWithinThirtyWindowsOfANewSeries() {
        List<Assessment> assessed = run(DEFAULT, noise(new Random(1), 40, 100.0, 2.0));

        assertThat(assessed.subList(30, 40))
                .noneSatisfy(a -> assertThat(a.warmingUp()).isTrue());
    }

    @ParameterizedTest
    @MethodSource("detectors")
    <S> void aBurstAfterWarmUpScoresHighWithAnExplanation(Detector<S> detector, int warmup) {
        double[] values = noise(new Random(2), 400, 100.0, 2.0);
        Arrays.fill(values, 300, 305, 160.0);

        List<Assessment> assessed = run(detector, values);

        // within the burst: pattern sees its shape only once it has grown
        Assessment spike = assessed.subList(300, 305).stream()
                .filter(a -> a.score() > 0.6)
                .findFirst()
                .orElseThrow();
        assertThat(spike.detail()).isNotBlank();
        assertThat(assessed.get(300).expectedHigh()).isLessThan(160.0);
        double quietMax = assessed.subList(warmup + 50, 300).stream()
                .mapToDouble(Assessment::score)
                .max()
                .orElseThrow();
        assertThat(quietMax).isLessThan(spike.score());
    }

    @ParameterizedTest
    @MethodSource("detectors")
    <S> void scoresAreInZeroToOneAndFewOnNoise(Detector<S> detector, int warmup) {
        double[] values = noise(new Random(3), 3000, 100.0, 2.0);

        List<Assessment> assessed = run(detector, values);

        assertThat(assessed).allSatisfy(a -> assertThat(a.score()).isBetween(0.0, 1.0));
        long alerts = assessed.stream().filter(a -> a.score() >= 0.6).count();
        assertThat(alerts).as("calibrated: p <= 1e-3 about once in a thousand").isLessThan(30);
    }

    @ParameterizedTest
    @MethodSource("detectors")
    <S> void aLevelShiftIsReportedOnceNotForEveryWindowItLasts(Detector<S> detector, int warmup) {
        double[] values = noise(new Random(12), 1200, 100.0, 2.0);
        for (int i = 800; i < values.length; i++) {
            values[i] += 40.0;
        }

        List<Assessment> assessed = run(detector, values);

        long reported = assessed.subList(800, 1200).stream()
                .filter(a -> a.score() > 0.6)
                .count();
        assertThat(reported).isBetween(1L, 5L);
    }

    @ParameterizedTest
    @MethodSource("detectors")
    <S> void scoresStayInRangeOnWildInput(Detector<S> detector, int warmup) {
        double[] values = wild(new Random(13), 2000);

        assertThat(run(detector, values)).allSatisfy(a -> {
            assertThat(a.score()).isBetween(0.0, 1.0);
            assertThat(a.expectedLow()).isNotNaN().isLessThanOrEqualTo(a.expectedHigh());
        });
    }

    /** State survives a snapshot: serialized mid-series and restored, the detector goes on as if never stopped. */
    @ParameterizedTest
    @MethodSource("detectors")
    <S> void stateRestoredFromItsSerializedFormContinuesIdentically(Detector<S> detector, int warmup)
            throws IOException {
        double[] values = noise(new Random(4), 1500, 100.0, 2.0);
        values[1200] = 150.0;
        List<Assessment> straight = run(detector, values);

        TypeSerializer<S> serializer = detector.stateType().createSerializer(new SerializerConfigImpl());
        S state = detector.newState();
        List<Assessment> resumed = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if (i == 700) {
                DataOutputSerializer out = new DataOutputSerializer(1024);
                serializer.serialize(state, out);
                state = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
            }
            resumed.add(detector.assess(state, i, values[i]));
        }
        assertThat(resumed).isEqualTo(straight);
    }

    @ParameterizedTest
    @MethodSource("detectors")
    <S> void stateIsBounded(Detector<S> detector, int warmup) throws IOException {
        double[] values = noise(new Random(5), 6_000, 100.0, 2.0);
        S state = detector.newState();
        int after2000 = 0;
        for (int i = 0; i < values.length; i++) {
            detector.assess(state, i, values[i]);
            if (i == 2000) {
                after2000 = serializedSize(detector, state);
            }
        }
        assertThat(serializedSize(detector, state)).isEqualTo(after2000);
    }

    @ParameterizedTest
    @MethodSource("detectors")
    <S> void scoresDoNotDependOnLaterValues(Detector<S> detector, int warmup) {
        double[] values = noise(new Random(6), 600, 100.0, 2.0);
        double[] changed = values.clone();
        for (int i = 400; i < changed.length; i++) {
            changed[i] = changed[i] * 3 + 50;
        }
        assertThat(run(detector, changed).subList(0, 400))
                .isEqualTo(run(detector, values).subList(0, 400));
    }

    @Test
    void anEnsembleNamesTheDecidingMemberAndEveryMembersContribution() {
        double[] values = noise(new Random(9), 400, 100.0, 2.0);
        values[300] = 160.0;

        Assessment spike = run(DEFAULT, values).get(300);

        assertThat(spike.detail())
                .containsPattern("^(patterncalibrated|range|madcalibrated) decided \\(")
                .containsPattern("patterncalibrated [01]\\.[0-9]{2}")
                .containsPattern("range [01]\\.[0-9]{2}")
                .containsPattern("madcalibrated [01]\\.[0-9]{2}");
    }
}
