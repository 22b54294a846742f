package io.streamwatch.detect;

import java.io.Serializable;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Turns a detector's raw evidence into a tail probability against the series' own history of raw
 * evidence, and that into a score on one scale for every detector and series. What {@link
 * CalibratedDetector} applies; {@link LikelihoodCalibration} and {@link TailCalibration} are the two
 * ways.
 *
 * @param <C> per-series state; a Flink POJO of bounded size
 */
public interface ScoreCalibration<C> extends Serializable {

    /** Flink type information of the state. */
    TypeInformation<C> stateType();

    /** State for a series seen for the first time. */
    C newState();

    /**
     * Calibrates {@code raw} against the history, then adds it to the history.
     *
     * @return the tail probability p in [0, 1], or NaN while the history is too short to judge
     */
    double tailProbability(C state, double raw);

    /** -log10 of the tail probability at which the score reaches 1. */
    double digits();

    /** The score of a tail probability: -log10(p) / digits, in [0, 1]. */
    default double score(double p) {
        if (!(p > 0.0)) {
            return 1.0;
        }
        return Math.max(0.0, Math.min(1.0, -Math.log10(p) / digits()));
    }

    /**
     * The refractory filter: {@code score} if it rises above the recent peak, else 0, so that one
     * event gives one alert rather than a run of them.
     */
    double refractory(C state, double score);
}
