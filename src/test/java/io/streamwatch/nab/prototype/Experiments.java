package io.streamwatch.nab.prototype;

import io.streamwatch.detect.Detector;
import io.streamwatch.nab.NabCorpus;
import io.streamwatch.nab.NabEvaluation;
import io.streamwatch.nab.NabProfile;
import io.streamwatch.nab.NabResultFiles;
import io.streamwatch.nab.NabScorer.ProfileResult;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs prototype detectors on the shared NAB data and prints their scores and cost, for
 * EXPERIMENTS.md. Usage: {@code Experiments [nabDir] name...}.
 */
public final class Experiments {

    static final Map<String, Supplier<Detector<?>>> DETECTORS = new LinkedHashMap<>();

    static {
        DETECTORS.put("windowedGaussian", WindowedGaussian::new);
        DETECTORS.put("ens", Ensemble::new);
        DETECTORS.put("shape", Shape::new);
        Ensemble.Config d = Ensemble.defaults();
        DETECTORS.put("ensValue", () -> new Ensemble(withEnabled(d, true, false, false)));
        DETECTORS.put("ensDiff", () -> new Ensemble(withEnabled(d, false, true, false)));
        DETECTORS.put("ensDaily", () -> new Ensemble(withEnabled(d, false, false, true)));
        DETECTORS.put("ensLog", () -> new Ensemble(new Ensemble.Config(d.baseAlpha(), d.likelihoodAlpha(), d.shortWindow(), d.warmUp(), d.suppressDecay(), d.enabled(), 1)));
        DETECTORS.put("ensExp", () -> new Ensemble(new Ensemble.Config(d.baseAlpha(), d.likelihoodAlpha(), d.shortWindow(), d.warmUp(), d.suppressDecay(), d.enabled(), 2)));
        DETECTORS.put("ensNoSuppress", () -> new Ensemble(new Ensemble.Config(d.baseAlpha(), d.likelihoodAlpha(), d.shortWindow(), d.warmUp(), 0.0, d.enabled(), 0)));
    }

    private Experiments() {}

    /** {@code shape:window:segments:memory:stride:recordDecay:refractoryDecay[:warmUp]}. */
    static Detector<?> parseShape(String spec) {
        String[] p = spec.split(":");
        return new Shape(
                new Shape.Config(
                        Integer.parseInt(p[1]),
                        Integer.parseInt(p[2]),
                        Integer.parseInt(p[3]),
                        Integer.parseInt(p[4]),
                        Double.parseDouble(p[5]),
                        Double.parseDouble(p[6]),
                        p.length > 7 ? Integer.parseInt(p[7]) : 300,
                        p.length > 8 ? Integer.parseInt(p[8]) : 0,
                        p.length > 9 ? Double.parseDouble(p[9]) : 0,
                        p.length > 10 ? Double.parseDouble(p[10]) : 1));
    }

    /** {@code two:k:coarseWarmUp:fineOn}: default Shape, plus Shape on means of k points. */
    static Detector<?> parseTwo(String spec) {
        String[] p = spec.split(":");
        int k = Integer.parseInt(p[1]);
        Shape.Config d = Shape.defaults();
        Shape.Config coarse = new Shape.Config(d.window(), d.segments(), d.memory(), d.stride(),
                Double.parseDouble(p[4]), d.refractoryDecay(), Integer.parseInt(p[2]), 0, 0, 1);
        return new TwoScale(d, coarse, k, Boolean.parseBoolean(p[3]));
    }

    static Ensemble.Config withEnabled(Ensemble.Config d, boolean... on) {
        return new Ensemble.Config(d.baseAlpha(), d.likelihoodAlpha(), d.shortWindow(), d.warmUp(), d.suppressDecay(), on, d.rawMode());
    }

    public static void main(String[] args) {
        Path nab = Path.of(System.getProperty("nab.dir", "/work/shared/nab"));
        NabCorpus corpus = NabCorpus.load(nab.resolve("data"), nab.resolve("labels/combined_windows.json"));
        boolean details = Boolean.getBoolean("details");
        for (String name : args) {
            Detector<?> detector =
                    name.startsWith("shape:") ? parseShape(name)
                    : name.startsWith("two:") ? parseTwo(name)
                    : DETECTORS.get(name).get();
            Map<NabProfile, ProfileResult> r = NabEvaluation.evaluate(detector, corpus);
            double ns = Boolean.parseBoolean(System.getProperty("timing", "true")) ? NabEvaluation.nanosPerPoint(detector, corpus) : 0;
            ProfileResult std = r.get(NabProfile.STANDARD);
            System.out.printf(
                    "| %s | %.2f | %.2f | %.2f | %.4f | %.0f |%n",
                    name,
                    std.normalizedScore(),
                    r.get(NabProfile.REWARD_LOW_FP_RATE).normalizedScore(),
                    r.get(NabProfile.REWARD_LOW_FN_RATE).normalizedScore(),
                    std.threshold(),
                    ns);
            String out = System.getProperty("out");
            if (out != null) {
                for (NabCorpus.Labelled l : corpus.series()) {
                    NabResultFiles.write(
                            Path.of(out), name.replaceAll("[^A-Za-z0-9]", ""), l.series(),
                            NabEvaluation.detect(detector, l.series()), l.windows());
                }
            }
            if (details) {
                for (NabCorpus.Labelled l : corpus.series()) {
                    double[] scores = NabEvaluation.detect(detector, l.series());
                    StringBuilder where = new StringBuilder();
                    int fp = 0;
                    int start = io.streamwatch.nab.NabScorer.probation(scores.length);
                    for (int i = start; i < scores.length; i++) {
                        int row = i;
                        boolean in = l.windows().stream().anyMatch(w -> w.first() <= row && row <= w.last());
                        if (scores[i] >= std.threshold()) {
                            if (in) {
                                where.append(' ').append(i);
                            } else {
                                fp++;
                            }
                        }
                    }
                    System.out.printf("    %-55s %7.3f fp=%d windows=%s hits:%s%n", l.series().key(),
                            std.fileRawScores().get(l.series().key()), fp,
                            l.windows().stream().map(w -> w.first() + "-" + w.last()).toList(), where);
                }
            }
        }
    }
}
