package io.streamwatch.detect;

import io.streamwatch.model.WindowAggregate;

/** Which statistic of a window the detectors watch. */
public enum ObservedField {
    MEAN,
    SUM,
    COUNT,
    MIN,
    MAX,
    P50,
    P95,
    P99;

    public double of(WindowAggregate a) {
        return switch (this) {
            case MEAN -> a.mean;
            case SUM -> a.sum;
            case COUNT -> a.count;
            case MIN -> a.min;
            case MAX -> a.max;
            case P50 -> a.p50;
            case P95 -> a.p95;
            case P99 -> a.p99;
        };
    }
}
