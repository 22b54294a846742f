package io.streamwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Calibrated detectors and ensembles: the same behavioural scenarios for each. */
class CalibratedDetectorsTest {

    private static final TailCalibration CALIBRATION = TailCalibration.DEFAULT;

    static Stream<Arguments> detectors() {
        return Stream.of(
                // warm-up: the inner detector's, then the calibration's 10 raw scores
                argumentSet(
                        "ewma calibrated",
                        new CalibratedDetector<>(new EwmaDetector(0.03, 10, ZScoring.DEFAULT), CALIBRATION),
                        20),
                argumentSet(
                        "mad calibrated",
                        new CalibratedDetector<>(new MadDetector(100, 10, ZScoring.DEFAULT), CALIBRATION),
                        20),
                // an ensemble warms up with its quickest member
                argumentSet(
                        "ensemble",
                        new EnsembleDetector(
                                List.of(
                                        new NoveltyDetector(16, 4, 512, 20),
                                        new CalibratedDetector<>(
                                                new MadDetector(100, 10, ZScoring.DEFAULT), CALIBRATION)),
                                0.99),
                        20));
    }

    @ParameterizedTest
    @MethodSource("detectors")
    <S> void warmsUpForItsStatedLengthThenScores(Detector<S> detector, int warmup) {
        List<Assessment> assessed = run(detector, noise(new Random(1), 200, 100.0, 2.0));

        assertThat(assessed.subList(0, warmup))
                .allSatisfy(a -> assertThat(a.warmingUp()).isTrue());
        assertThat(assessed.get(warmup).warmingUp()).isFalse();
        assertThat(warmup).as("the default must be useful within 30 windows").isLessThanOrEqualTo(30);
    }

    @ParameterizedTest
    @MethodSource("detectors")
    <S> void aSpikeAfterWarmUpScoresHighWithAnExplanation(Detector<S> detector, int warmup) {
        double[] values = noise(new Random(2), 400, 100.0, 2.0);
        values[300] = 160.0;

        List<Assessment> assessed = run(detector, values);

        Assessment spike = assessed.get(300);
        assertThat(spike.score()).isGreaterThan(0.6);
        assertThat(spike.detail()).isNotBlank();
        assertThat(spike.expectedHigh()).isLessThan(160.0);
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
        assertThat(CALIBRATION.score(1e-5)).isEqualTo(1.0);
        assertThat(CALIBRATION.score(1e-3)).isCloseTo(0.6, offset(1e-12));
        assertThat(CALIBRATION.score(1.0)).isEqualTo(0.0);
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

    @Test
    void anEnsembleNamesTheDecidingMemberAndEveryMembersContribution() {
        EnsembleDetector ensemble = new EnsembleDetector(
                List.of(
                        new CalibratedDetector<>(new EwmaDetector(0.03, 10, ZScoring.DEFAULT), CALIBRATION),
                        new CalibratedDetector<>(new MadDetector(100, 10, ZScoring.DEFAULT), CALIBRATION)),
                0.99);
        double[] values = noise(new Random(9), 400, 100.0, 2.0);
        values[300] = 160.0;

        Assessment spike = run(ensemble, values).get(300);

        assertThat(spike.detail())
                .containsPattern("^(ewma|mad)calibrated decided \\((ewma|mad) raw [0-9.]+, p [0-9.e-]+\\)")
                .containsPattern("ewmacalibrated [01]\\.[0-9]{2}")
                .containsPattern("madcalibrated [01]\\.[0-9]{2}");
    }

    @Test
    void stateTypesSerializeWithoutKryo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(CalibrationState.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(EnsembleState.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(NoveltyState.class);
    }

    private static <S> List<Assessment> run(Detector<S> detector, double[] values) {
        S state = detector.newState();
        List<Assessment> out = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            out.add(detector.assess(state, i, values[i]));
        }
        return out;
    }

    private static <S> int serializedSize(Detector<S> detector, S state) throws IOException {
        TypeSerializer<S> serializer = detector.stateType().createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(1024);
        serializer.serialize(state, out);
        return out.length();
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

    private static double[] noise(Random random, int n, double mean, double sd) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = mean + sd * random.nextGaussian();
        }
        return values;
    }
}
