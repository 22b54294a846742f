package io.streamwatch.detect;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.typeutils.TupleTypeInfo;

/**
 * Any detector with its raw evidence calibrated against the series' own recent raw evidence, see
 * {@link ScoreCalibration}: the score is a tail probability on a log scale, so one threshold means
 * the same on every series and for every detector. Warms up while the inner detector does, then
 * while the calibration's history is too short.
 *
 * <p>State: the inner detector's state and the calibration's, as a Flink tuple (no Kryo).
 *
 * @param <S> the inner detector's state
 * @param <C> the calibration's state
 */
public final class CalibratedDetector<S, C> implements Detector<Tuple2<S, C>> {

    /** Suffix of the name: "ewma" calibrated is "ewmacalibrated". */
    public static final String SUFFIX = "calibrated";

    private final Detector<S> inner;
    private final ScoreCalibration<C> calibration;

    public CalibratedDetector(Detector<S> inner, ScoreCalibration<C> calibration) {
        if (inner == null) {
            throw new IllegalArgumentException("inner must not be null");
        }
        if (calibration == null) {
            throw new IllegalArgumentException("calibration must not be null");
        }
        this.inner = inner;
        this.calibration = calibration;
    }

    /** How the raw evidence is calibrated. */
    public ScoreCalibration<C> calibration() {
        return calibration;
    }

    @Override
    public String name() {
        return inner.name() + SUFFIX;
    }

    @Override
    public TypeInformation<Tuple2<S, C>> stateType() {
        return new TupleTypeInfo<>(inner.stateType(), calibration.stateType());
    }

    @Override
    public Tuple2<S, C> newState() {
        return Tuple2.of(inner.newState(), calibration.newState());
    }

    @Override
    public Assessment assess(Tuple2<S, C> state, long timestamp, double value) {
        Assessment a = inner.assess(state.f0, timestamp, value);
        if (a.warmingUp()) {
            return Assessment.WARMING_UP;
        }
        double p = calibration.tailProbability(state.f1, a.raw());
        if (Double.isNaN(p)) {
            return Assessment.WARMING_UP;
        }
        double score = calibration.refractory(state.f1, calibration.score(p));
        // text only for what can open an anomaly: formatting every point would cost more than detecting
        String detail =
                score > 0.0 ? inner.name() + " raw " + number(a.raw()) + String.format(Locale.ROOT, ", p %.2g", p) : "";
        return new Assessment(
                score, a.expectedLow(), a.expectedHigh(), -Math.log10(Math.max(p, Double.MIN_VALUE)), detail);
    }

    static String number(double value) {
        return Double.isFinite(value)
                ? new BigDecimal(value)
                        .round(new MathContext(3))
                        .stripTrailingZeros()
                        .toPlainString()
                : Double.toString(value);
    }
}
