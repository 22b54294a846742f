package io.streamwatch.aggregate;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * Running statistics of one window: count, sum, min, max, Welford's mean and sum of squared
 * deviations (numerically stable, merged with Chan's formula), event-time range, and a DDSketch
 * for quantiles (relative-error guarantee, mergeable, bounded size).
 */
@TypeInfo(SeriesAccumulatorTypeInfo.Factory.class)
public final class SeriesAccumulator {
    /** Bins per sign in the sketch; with 1% accuracy this covers values across ~17 orders of magnitude. */
    static final int MAX_SKETCH_BINS = 2048;

    long count;
    double sum;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double mean;
    double m2;
    long firstEventTime = Long.MAX_VALUE;
    long lastEventTime = Long.MIN_VALUE;
    DDSketch sketch;

    SeriesAccumulator(DDSketch sketch) {
        this.sketch = sketch;
    }

    static SeriesAccumulator empty(double relativeAccuracy) {
        return new SeriesAccumulator(DDSketches.logarithmicCollapsingLowestDense(relativeAccuracy, MAX_SKETCH_BINS));
    }

    void add(double value, long eventTime) {
        count++;
        sum += value;
        min = Math.min(min, value);
        max = Math.max(max, value);
        double delta = value - mean;
        mean += delta / count;
        m2 += delta * (value - mean);
        firstEventTime = Math.min(firstEventTime, eventTime);
        lastEventTime = Math.max(lastEventTime, eventTime);
        sketch.accept(value);
    }

    void merge(SeriesAccumulator other) {
        if (other.count == 0) return;
        if (count == 0) {
            mean = other.mean;
            m2 = other.m2;
        } else {
            long n = count + other.count;
            double delta = other.mean - mean;
            mean += delta * other.count / n;
            m2 += other.m2 + delta * delta * ((double) count * other.count / n);
        }
        count += other.count;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        firstEventTime = Math.min(firstEventTime, other.firstEventTime);
        lastEventTime = Math.max(lastEventTime, other.lastEventTime);
        sketch.mergeWith(other.sketch);
    }

    /** Population standard deviation; 0 for fewer than two values. */
    double stddev() {
        return count < 2 ? 0.0 : Math.sqrt(Math.max(0.0, m2 / count));
    }

    double quantile(double q) {
        return sketch.isEmpty() ? Double.NaN : sketch.getValueAtQuantile(q);
    }
}
