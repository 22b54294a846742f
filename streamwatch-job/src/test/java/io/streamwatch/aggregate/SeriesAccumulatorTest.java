package io.streamwatch.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamwatch.model.WindowAggregate;
import java.util.Arrays;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.junit.jupiter.api.Test;

class SeriesAccumulatorTest {

    private static SeriesAccumulator of(double... values) {
        SeriesAccumulator a = SeriesAccumulator.empty(0.01);
        for (int i = 0; i < values.length; i++) a.add(values[i], 1_000L + i);
        return a;
    }

    @Test
    void computesExactMomentsAndApproximateQuantiles() {
        double[] values = new Random(7).doubles(10_000, 10, 1_000).toArray();
        SeriesAccumulator a = of(values);
        WindowAggregate w = WindowResultFunction.toAggregate("s", new TimeWindow(0, 60_000), a, 1);

        double mean = Arrays.stream(values).average().orElseThrow();
        double var = Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / values.length;
        double[] sorted = values.clone();
        Arrays.sort(sorted);

        assertThat(w.count).isEqualTo(10_000);
        assertThat(w.mean).isCloseTo(mean, within(1e-9));
        assertThat(w.stddev).isCloseTo(Math.sqrt(var), within(1e-9));
        assertThat(w.min).isEqualTo(sorted[0]);
        assertThat(w.max).isEqualTo(sorted[sorted.length - 1]);
        assertThat(w.firstEventTime).isEqualTo(1_000L);
        assertThat(w.lastEventTime).isEqualTo(1_000L + 9_999);
        // DDSketch guarantees 1% relative error on quantiles
        assertThat(w.p50).isCloseTo(sorted[4_999], within(sorted[4_999] * 0.011));
        assertThat(w.p99).isCloseTo(sorted[9_899], within(sorted[9_899] * 0.011));
    }

    @Test
    void everyValueTheContractAdmitsIsAggregatedWithFiniteResults() {
        double limit = io.streamwatch.serde.ContractSettings.DEFAULT_MAX_ABS_VALUE;
        double[] edges = {
            Double.MIN_VALUE,
            -Double.MIN_VALUE,
            Double.MIN_NORMAL,
            -0.0,
            0.0,
            limit,
            -limit,
            Math.nextDown(limit),
            1e-300
        };
        Random random = new Random(11);
        for (int run = 0; run < 200; run++) {
            int n = 1 + random.nextInt(2_000);
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                values[i] = random.nextInt(4) == 0
                        ? edges[random.nextInt(edges.length)]
                        : (random.nextBoolean() ? 1 : -1) * Math.pow(10, random.nextDouble() * 200 - 100);
            }
            // the worst case for the sum: every value at the limit, of one sign
            if (run == 0) Arrays.fill(values, limit);
            WindowAggregate w = WindowResultFunction.toAggregate("s", new TimeWindow(0, 60_000), of(values), 1);

            double[] sorted = values.clone();
            Arrays.sort(sorted);
            assertThat(w.count).isEqualTo(n);
            assertThat(Double.compare(w.min, Arrays.stream(values).reduce(Double.POSITIVE_INFINITY, Math::min)))
                    .isZero();
            assertThat(Double.compare(w.max, Arrays.stream(values).reduce(Double.NEGATIVE_INFINITY, Math::max)))
                    .isZero();
            for (double statistic : new double[] {w.sum, w.mean, w.stddev, w.p50, w.p95, w.p99}) {
                assertThat(Double.isFinite(statistic)).as("run %d: %s", run, w).isTrue();
            }
            double low = sorted[0] - Math.abs(sorted[0]) * 0.02 - Double.MIN_NORMAL;
            double high = sorted[n - 1] + Math.abs(sorted[n - 1]) * 0.02 + Double.MIN_NORMAL;
            assertThat(w.p50).isBetween(low, high);
        }
    }

    @Test
    void stddevStaysAccurateForLargeOffsets() {
        // the naive sum-of-squares formula loses every digit here; Welford's does not
        SeriesAccumulator a = of(1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16);
        assertThat(a.mean).isEqualTo(1e9 + 10);
        assertThat(a.stddev()).isCloseTo(Math.sqrt(22.5), within(1e-6));
    }

    @Test
    void mergingEqualsAddingEverythingToOne() {
        double[] values = new Random(3).doubles(1_001, -50, 50).toArray();
        SeriesAccumulator whole = of(values);
        SeriesAccumulator left = of(Arrays.copyOfRange(values, 0, 400));
        SeriesAccumulator right = SeriesAccumulator.empty(0.01);
        for (int i = 400; i < values.length; i++) right.add(values[i], 1_000L + i);
        left.merge(right);

        assertThat(left.count).isEqualTo(whole.count);
        assertThat(left.mean).isCloseTo(whole.mean, within(1e-9));
        assertThat(left.stddev()).isCloseTo(whole.stddev(), within(1e-9));
        assertThat(left.min).isEqualTo(whole.min);
        assertThat(left.max).isEqualTo(whole.max);
        assertThat(left.lastEventTime).isEqualTo(whole.lastEventTime);
        assertThat(left.quantile(0.5)).isEqualTo(whole.quantile(0.5));
    }

    @Test
    void mergingIntoAnEmptyAccumulatorKeepsTheOther() {
        SeriesAccumulator empty = SeriesAccumulator.empty(0.01);
        empty.merge(of(2, 4));
        assertThat(empty.mean).isEqualTo(3);
        assertThat(empty.stddev()).isEqualTo(1);
    }

    @Test
    void serializerRoundTripsEveryFieldWithoutKryo() throws Exception {
        TypeInformation<SeriesAccumulator> type = TypeInformation.of(SeriesAccumulator.class);
        assertThat(type).isInstanceOf(SeriesAccumulatorTypeInfo.class);
        var serializer = type.createSerializer(new org.apache.flink.api.common.serialization.SerializerConfigImpl());

        SeriesAccumulator a = of(-5, 0, 3.25, 1e6);
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(a, out);
        SeriesAccumulator b = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        WindowAggregate expected = WindowResultFunction.toAggregate("s", new TimeWindow(0, 1), a, 1);
        WindowAggregate actual = WindowResultFunction.toAggregate("s", new TimeWindow(0, 1), b, 1);
        assertThat(actual).isEqualTo(expected);

        // copying serialized bytes must give the same bytes
        DataOutputSerializer copied = new DataOutputSerializer(64);
        serializer.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
        assertThat(copied.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
    }
}
