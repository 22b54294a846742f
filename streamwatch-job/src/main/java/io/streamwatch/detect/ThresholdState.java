package io.streamwatch.detect;

/**
 * State of {@link ThresholdDetector}. The detector needs no memory; the count exists because Flink
 * treats a class without fields as a generic (Kryo) type, and it tells a state inspection how many
 * values of the series were checked.
 */
public class ThresholdState {
    public long observations;

    public ThresholdState() {}
}
