package io.streamwatch.detect;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/** Series for the detector scenario tests, and a detector run over one from a fresh state. */
final class DetectorRuns {

    private DetectorRuns() {}

    /** Every value's assessment, one window a minute. */
    static <S> List<Assessment> run(Detector<S> detector, double[] values) {
        S state = detector.newState();
        List<Assessment> assessed = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            assessed.add(detector.assess(state, 60_000L * (i + 1), values[i]));
        }
        return assessed;
    }

    /** Bytes of the state in Flink's serialized form. */
    static <S> int serializedSize(Detector<S> detector, S state) throws IOException {
        TypeSerializer<S> serializer = detector.stateType().createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(1024);
        serializer.serialize(state, out);
        return out.length();
    }

    /** Normal noise around {@code mean}. */
    static double[] noise(Random random, int n, double mean, double sd) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = mean + sd * random.nextGaussian();
        }
        return values;
    }

    /** Zeros, huge and tiny magnitudes of both signs, repeats and noise, in random order. */
    static double[] wild(Random random, int n) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = switch (random.nextInt(5)) {
                case 0 -> 0.0;
                case 1 -> -1e12 * random.nextDouble();
                case 2 -> 1e300 * random.nextDouble();
                case 3 -> 100.0;
                default -> random.nextGaussian();
            };
        }
        return values;
    }
}
