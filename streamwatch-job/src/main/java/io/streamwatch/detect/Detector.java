package io.streamwatch.detect;

import java.io.Serializable;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * A streaming anomaly detector for one series at a time. Implementations are plain Java and hold
 * no per-series fields themselves: everything a detector remembers about a series lives in its state
 * object {@code S}, which the keyed detection operator keeps in Flink state. State must be bounded
 * (it may not grow with the number of observations).
 *
 * <p>Rules: one pass, no look-ahead: {@link #assess} may use only the observations given so far.
 *
 * @param <S> per-series state; a Flink POJO (public no-arg constructor, public fields) so that it
 *     is serialized without Kryo
 */
public interface Detector<S> extends Serializable {

    /** Stable name: letters and digits only; stored with every anomaly and used as a state name. */
    String name();

    /** Flink type information of the state, e.g. {@code TypeInformation.of(MyState.class)}. */
    TypeInformation<S> stateType();

    /** State for a series seen for the first time. */
    S newState();

    /**
     * Scores the next observation of a series and folds it into the state.
     *
     * @param state this series' state, updated in place
     * @param timestamp event time of the observation (for windows: the window end), epoch millis
     * @param value the observed value
     * @return the assessment of this observation against what came before it
     */
    Assessment assess(S state, long timestamp, double value);
}
