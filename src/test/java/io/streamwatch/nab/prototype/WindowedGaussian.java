package io.streamwatch.nab.prototype;

import io.streamwatch.detect.Assessment;
import io.streamwatch.detect.Detector;

import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Baseline after NAB's windowedGaussian: z-score of the value against the mean and deviation of the
 * last {@code WINDOW} values; score 1 − P(|Z| beyond), i.e. in [0.5, 1] once warm. Used to check the
 * scorer lands near NAB's published 35.5 for this idea.
 */
public final class WindowedGaussian implements Detector<WindowedGaussian.State> {

    static final int WINDOW = 6400;

    /** Ring buffer of the last values with running sums. */
    public static final class State {
        public double[] ring = new double[WINDOW];
        public int count;
        public int next;
        public double sum;
        public double sumSq;
    }

    @Override
    public String name() {
        return "windowedGaussian";
    }

    @Override
    public TypeInformation<State> stateType() {
        return TypeInformation.of(State.class);
    }

    @Override
    public State newState() {
        return new State();
    }

    @Override
    public Assessment assess(State s, long timestamp, double value) {
        double score = 0.0;
        double mean = 0.0;
        double sd = 0.0;
        if (s.count > 1) {
            mean = s.sum / s.count;
            sd = Math.sqrt(Math.max(0.0, s.sumSq / s.count - mean * mean));
            double z = sd > 0 ? Math.abs(value - mean) / sd : (value == mean ? 0.0 : 50.0);
            score = 1.0 - Gauss.tail(z);
        }
        if (s.count == WINDOW) {
            double old = s.ring[s.next];
            s.sum -= old;
            s.sumSq -= old * old;
        } else {
            s.count++;
        }
        s.ring[s.next] = value;
        s.next = (s.next + 1) % WINDOW;
        s.sum += value;
        s.sumSq += value * value;
        return s.count > 2
                ? new Assessment(Math.min(1.0, Math.max(0.0, score)), mean - 3 * sd, mean + 3 * sd)
                : Assessment.WARMING_UP;
    }
}
