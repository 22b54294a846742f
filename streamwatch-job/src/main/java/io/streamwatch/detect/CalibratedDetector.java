package io.streamwatch.detect;

import java.math.BigDecimal;
import java.math.MathContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.typeutils.TupleTypeInfo;

/**
 * Any detector with its raw evidence calibrated against the series' own recent raw scores, see
 * {@link TailCalibration}: the score is a tail probability on a log scale, so one threshold means
 * the same on every series and for every detector. Warms up while the inner detector does, then for
 * the calibration's {@code minHistory} points.
 *
 * <p>State: the inner detector's state and a {@link CalibrationState}, as a Flink tuple (no Kryo).
 *
 * @param <S> the inner detector's state
 */
public final class CalibratedDetector<S> implements Detector<Tuple2<S, CalibrationState>> {

    /** Suffix of the name: "ewma" calibrated is "ewmacalibrated". */
    public static final String SUFFIX = "calibrated";

    private final Detector<S> inner;
    private final TailCalibration calibration;

    public CalibratedDetector(Detector<S> inner, TailCalibration calibration) {
        if (inner == null) {
            throw new IllegalArgumentException("inner must not be null");
        }
        if (calibration == null) {
            throw new IllegalArgumentException("calibration must not be null");
        }
        this.inner = inner;
        this.calibration = calibration;
    }

    @Override
    public String name() {
        return inner.name() + SUFFIX;
    }

    @Override
    public TypeInformation<Tuple2<S, CalibrationState>> stateType() {
        return new TupleTypeInfo<>(inner.stateType(), TypeInformation.of(CalibrationState.class));
    }

    @Override
    public Tuple2<S, CalibrationState> newState() {
        return Tuple2.of(inner.newState(), calibration.newState());
    }

    @Override
    public Assessment assess(Tuple2<S, CalibrationState> state, long timestamp, double value) {
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
                score > 0.0 ? inner.name() + " raw " + number(a.raw()) + ", " + TailCalibration.describe(p) : "";
        return new Assessment(score, a.expectedLow(), a.expectedHigh(), -Math.log10(p), detail);
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
