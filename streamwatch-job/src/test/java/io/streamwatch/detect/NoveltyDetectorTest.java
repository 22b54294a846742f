package io.streamwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Random;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

class NoveltyDetectorTest {

    private static final int WARMUP = 300;
    private final NoveltyDetector detector = new NoveltyDetector(16, 4, 512, WARMUP);

    /** Five-minute points of a daily wave with a little noise. */
    private static double[] daily(int n, long seed) {
        Random random = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 10 + Math.sin(2 * Math.PI * i / 288.0) + 0.1 * random.nextGaussian();
        }
        return v;
    }

    private double[] scores(double[] values) {
        NoveltyState state = detector.newState();
        double[] s = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            s[i] = detector.assess(state, 300_000L * i, values[i]).score();
        }
        return s;
    }

    @Test
    void aLevelShiftScoresOnceAndHighAfterACalmStretch() {
        double[] v = daily(3000, 7);
        for (int i = 2000; i < v.length; i++) {
            v[i] += 5;
        }
        double[] s = scores(v);
        int calmFlags = 0;
        for (int i = WARMUP; i < 2000; i++) {
            calmFlags += s[i] >= 0.6 ? 1 : 0;
        }
        int flagged = 0;
        for (int i = 2000; i < v.length; i++) {
            flagged += s[i] >= 0.6 ? 1 : 0;
        }
        assertThat(s[2000]).isEqualTo(1.0);
        // the noise itself sets a new extreme now and then, early on
        assertThat(calmFlags).isLessThanOrEqualTo(2);
        // the refractory filter: one event, one or two flags, not a run
        assertThat(flagged).isBetween(1, 3);
    }

    @Test
    void aSingleValueBeyondAllSeenScoresEvenWhenShapeAveragingHidesIt() {
        double[] v = daily(3000, 3);
        v[2500] = 11.5; // the wave peaks at 11 and the noise is 0.1: beyond by a sixth of the range
        assertThat(scores(v)[2500]).isGreaterThan(0.6);
    }

    @Test
    void scoresAreZeroDuringWarmupAndInRangeOnWildInput() {
        Random random = new Random(3);
        double[] v = new double[3000];
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (random.nextInt(5)) {
                case 0 -> 0.0;
                case 1 -> -1e308 * random.nextDouble();
                case 2 -> Double.MAX_VALUE * random.nextDouble();
                case 3 -> 100.0;
                default -> random.nextGaussian();
            };
        }
        NoveltyState state = detector.newState();
        for (int i = 0; i < v.length; i++) {
            Assessment a = detector.assess(state, i, v[i]);
            assertThat(a.score()).isBetween(0.0, 1.0);
            assertThat(a.expectedLow()).isLessThanOrEqualTo(a.expectedHigh());
            if (i < WARMUP) {
                assertThat(a.score()).isZero();
            }
        }
    }

    @Test
    void scoresDoNotDependOnLaterValues() {
        double[] original = daily(1500, 11);
        double[] changedFuture = original.clone();
        for (int i = 1000; i < changedFuture.length; i++) {
            changedFuture[i] = i % 2 == 0 ? 500.0 : -500.0;
        }
        double[] a = scores(original);
        double[] b = scores(changedFuture);
        for (int i = 0; i < 1000; i++) {
            assertThat(b[i]).as("row %d", i).isEqualTo(a[i]);
        }
        assertThat(b[1000]).isNotEqualTo(a[1000]);
    }

    @Test
    void stateIsAFlinkPojoOfBoundedSize() throws IOException {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(NoveltyState.class);
        NoveltyState state = detector.newState();
        double[] v = daily(20_000, 5);
        for (int i = 0; i < 100; i++) {
            detector.assess(state, i, v[i]);
        }
        int afterHundred = serializedSize(state);
        for (int i = 100; i < v.length; i++) {
            detector.assess(state, i, v[i]);
        }
        assertThat(serializedSize(state)).isEqualTo(afterHundred).isLessThan(17_000);
    }

    @Test
    void stateFromOtherSettingsStartsAfresh() {
        NoveltyState other = new NoveltyDetector(8, 2, 64, 8).newState();
        for (int i = 0; i < 100; i++) {
            new NoveltyDetector(8, 2, 64, 8).assess(other, i, i);
        }
        assertThat(detector.assess(other, 100, 5.0)).isEqualTo(Assessment.WARMING_UP);
        assertThat(other.count).isEqualTo(1);
        assertThat(other.shapes).hasSize(512 * 4);
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new NoveltyDetector(16, 5, 512, 300)).hasMessageContaining("segments");
        assertThatThrownBy(() -> new NoveltyDetector(1, 1, 512, 300)).hasMessageContaining("window");
        assertThatThrownBy(() -> new NoveltyDetector(16, 4, 0, 300)).hasMessageContaining("memory");
        assertThatThrownBy(() -> new NoveltyDetector(16, 4, 512, 8)).hasMessageContaining("warmup");
    }

    private int serializedSize(NoveltyState state) throws IOException {
        TypeSerializer<NoveltyState> serializer = detector.stateType().createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(1024);
        serializer.serialize(state, out);
        return out.length();
    }
}
