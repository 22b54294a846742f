package io.streamwatch.model;

import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every record that flows between operators is a Flink POJO, nothing silently falls back to Kryo;
 * {@link Event} has an explicit serializer instead ({@link EventTypeInfoTest}).
 */
class ModelPojoTest {
    @ParameterizedTest
    @ValueSource(
            classes = {DeadLetter.class, Ingested.class, LateEvent.class, WindowAggregate.class, AnomalyEvent.class})
    void isSerializedAsPojoWithoutKryo(Class<?> type) {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(type);
    }
}
