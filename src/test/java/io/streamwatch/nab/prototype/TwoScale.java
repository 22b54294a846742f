package io.streamwatch.nab.prototype;

import io.streamwatch.detect.Assessment;
import io.streamwatch.detect.Detector;

import org.apache.flink.api.common.typeinfo.TypeInformation;

/** Prototype: Shape on the raw series and Shape on means of every k points; max of the two. */
public final class TwoScale implements Detector<TwoScale.State> {

    private final Shape fine;
    private final Shape coarse;
    private final int k;
    private final boolean fineOn;

    TwoScale(Shape.Config fine, Shape.Config coarse, int k, boolean fineOn) {
        this.fine = new Shape(fine);
        this.coarse = new Shape(coarse);
        this.k = k;
        this.fineOn = fineOn;
    }

    public static final class State {
        public Shape.State fine;
        public Shape.State coarse;
        public double sum;
        public int n;
    }

    @Override
    public String name() {
        return "twoscale";
    }

    @Override
    public TypeInformation<State> stateType() {
        return TypeInformation.of(State.class);
    }

    @Override
    public State newState() {
        State s = new State();
        s.fine = fine.newState();
        s.coarse = coarse.newState();
        return s;
    }

    @Override
    public Assessment assess(State s, long timestamp, double x) {
        double f = fineOn ? fine.assess(s.fine, timestamp, x).score() : 0;
        s.sum += x;
        s.n++;
        double c = 0;
        if (s.n == k) {
            c = coarse.assess(s.coarse, timestamp, s.sum / k).score();
            s.sum = 0;
            s.n = 0;
        }
        return new Assessment(Math.max(f, c), 0, 0);
    }
}
