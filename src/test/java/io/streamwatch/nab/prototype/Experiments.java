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

    /** {@code shape:window:segments:memory:stride:recordDecay:refractoryDecay}. */
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
                        300));
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
                    name.startsWith("shape:") ? parseShape(name) : DETECTORS.get(name).get();
            Map<NabProfile, ProfileResult> r = NabEvaluation.evaluate(detector, corpus);
            double ns = NabEvaluation.nanosPerPoint(detector, corpus);
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
                std.fileRawScores().forEach((k, v) -> System.out.printf("    %-60s %7.3f%n", k, v));
            }
        }
    }
}
