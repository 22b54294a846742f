package io.streamwatch.serde;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Limits of the event contract, and the field names per topic. */
public record ContractSettings(
        int maxRecordBytes,
        int maxKeyLength,
        int maxAttributes,
        double maxAbsValue,
        Duration maxFutureSkew,
        Instant earliestEventTime,
        boolean rejectUnknownFields,
        FieldNames defaultFields,
        Map<String, FieldNames> fieldsByTopic)
        implements Serializable {

    /**
     * Largest magnitude a value may have. Far beyond any real measurement, and small enough that
     * no window's sum or sum of squared deviations can overflow to infinity (1e100 squared is 1e200).
     */
    public static final double DEFAULT_MAX_ABS_VALUE = 1e100;

    public static ContractSettings defaults() {
        return new ContractSettings(
                1 << 20,
                256,
                64,
                DEFAULT_MAX_ABS_VALUE,
                Duration.ofMinutes(5),
                Instant.parse("2000-01-01T00:00:00Z"),
                false,
                FieldNames.DEFAULT,
                Map.of());
    }

    public FieldNames fieldsFor(String topic) {
        return fieldsByTopic.getOrDefault(topic, defaultFields);
    }
}
