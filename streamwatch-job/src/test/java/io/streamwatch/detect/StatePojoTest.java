package io.streamwatch.detect;

import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Everything kept in Flink state or emitted must serialize as a POJO, never fall back to Kryo. */
class StatePojoTest {

    @ParameterizedTest
    @ValueSource(
            classes = {
                ThresholdState.class,
                EwmaState.class,
                MadState.class,
                NoveltyState.class,
                PatternState.class,
                RangeState.class,
                CalibrationState.class,
                LikelihoodState.class,
                EnsembleState.class,
                LifecycleState.class,
                SeriesState.class,
                DetectorScore.class
            })
    void serializesAsPojoWithoutKryo(Class<?> type) {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(type);
    }
}
