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
        Duration maxFutureSkew,
        Instant earliestEventTime,
        boolean rejectUnknownFields,
        FieldNames defaultFields,
        Map<String, FieldNames> fieldsByTopic)
        implements Serializable {

    public static ContractSettings defaults() {
        return new ContractSettings(
                1 << 20,
                256,
                64,
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
