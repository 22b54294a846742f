package io.streamwatch.alert;

import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every record and state type of the alert stage is a Flink POJO: nothing silently falls back to Kryo. */
class AlertPojoTest {
    @ParameterizedTest
    @ValueSource(
            classes = {
                AlertEvent.class,
                Notification.class,
                AlertDelivery.class,
                NotificationGate.Firing.class,
                NotificationGate.StormWindow.class
            })
    void isSerializedAsPojoWithoutKryo(Class<?> type) {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(type);
    }
}
