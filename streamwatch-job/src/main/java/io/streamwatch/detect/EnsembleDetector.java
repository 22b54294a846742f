package io.streamwatch.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.tuple.Tuple;
import org.apache.flink.api.java.typeutils.TupleTypeInfo;

/**
 * Several detectors as one: the score is the largest of the members' scores (members should score on
 * one scale, e.g. each a {@link CalibratedDetector}: then the largest score is the smallest tail
 * probability), through a refractory filter of its own. The explanation names the member that
 * decided and every member's score.
 *
 * <p>Warms up until the first member has finished warming up: members still warming up score 0, so
 * they contribute nothing but do not hold the others back.
 *
 * <p>State: a Flink tuple of the members' states and an {@link EnsembleState} (no Kryo).
 */
public final class EnsembleDetector implements Detector<Tuple> {

    public static final String NAME = "ensemble";

    private final List<Detector<?>> members;
    private final double refractoryDecay;

    /**
     * @param members detectors with distinct names, 1 to 24 of them
     * @param refractoryDecay per-point decay of the refractory peak in [0, 1); 0 = no filter
     */
    public EnsembleDetector(List<? extends Detector<?>> members, double refractoryDecay) {
        if (members == null || members.isEmpty() || members.size() > Tuple.MAX_ARITY - 1) {
            throw new IllegalArgumentException("members: 1 to " + (Tuple.MAX_ARITY - 1) + " detectors, was " + members);
        }
        if (members.stream().map(Detector::name).distinct().count() != members.size()) {
            throw new IllegalArgumentException("members must have distinct names");
        }
        if (!(refractoryDecay >= 0.0 && refractoryDecay < 1.0)) {
            throw new IllegalArgumentException("refractoryDecay must be in [0, 1), was " + refractoryDecay);
        }
        this.members = List.copyOf(members);
        this.refractoryDecay = refractoryDecay;
    }

    public List<Detector<?>> members() {
        return members;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    @SuppressWarnings("unchecked")
    public TypeInformation<Tuple> stateType() {
        TypeInformation<?>[] types = new TypeInformation<?>[members.size() + 1];
        for (int i = 0; i < members.size(); i++) {
            types[i] = members.get(i).stateType();
        }
        types[members.size()] = TypeInformation.of(EnsembleState.class);
        return new TupleTypeInfo<>((Class<Tuple>) Tuple.getTupleClass(types.length), types);
    }

    @Override
    public Tuple newState() {
        Tuple state = Tuple.newInstance(members.size() + 1);
        for (int i = 0; i < members.size(); i++) {
            state.setField(members.get(i).newState(), i);
        }
        state.setField(new EnsembleState(), members.size());
        return state;
    }

    @Override
    public Assessment assess(Tuple state, long timestamp, double value) {
        List<Assessment> verdicts = new ArrayList<>(members.size());
        int top = -1;
        for (int i = 0; i < members.size(); i++) {
            Assessment a = assessMember(members.get(i), state, i, timestamp, value);
            verdicts.add(a);
            if (!a.warmingUp() && (top < 0 || a.score() > verdicts.get(top).score())) {
                top = i;
            }
        }
        if (top < 0) {
            return Assessment.WARMING_UP;
        }
        Assessment best = verdicts.get(top);
        EnsembleState own = state.getField(members.size());
        double score = Refractory.reported(refractoryDecay == 0.0 ? -1.0 : own.peak, best.score());
        own.peak = Refractory.nextPeak(own.peak, refractoryDecay, best.score());
        return new Assessment(
                score, best.expectedLow(), best.expectedHigh(), best.raw(), score > 0.0 ? explain(verdicts, top) : "");
    }

    /** "mad decided (mad raw 7.1, p 3e-09; 0.71); novelty 0.12; ewma warming up". */
    private String explain(List<Assessment> verdicts, int top) {
        StringBuilder text = new StringBuilder();
        text.append(members.get(top).name()).append(" decided");
        String why = verdicts.get(top).detail();
        if (!why.isEmpty()) {
            text.append(" (").append(why).append(')');
        }
        for (int i = 0; i < members.size(); i++) {
            Assessment a = verdicts.get(i);
            text.append(i == 0 ? ": " : ", ").append(members.get(i).name()).append(' ');
            text.append(a.warmingUp() ? "warming up" : String.format(Locale.ROOT, "%.2f", a.score()));
        }
        return text.toString();
    }

    @SuppressWarnings("unchecked")
    private static <S> Assessment assessMember(Detector<S> member, Tuple state, int i, long timestamp, double value) {
        return member.assess((S) state.getField(i), timestamp, value);
    }
}
