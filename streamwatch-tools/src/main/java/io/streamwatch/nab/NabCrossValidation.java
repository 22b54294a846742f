package io.streamwatch.nab;

import io.streamwatch.nab.NabScorer.FileInput;
import io.streamwatch.nab.NabScorer.ProfileResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Cross-validation of detectors on a NAB corpus: what a detector scores on series it was not tuned
 * on. For every fold, the candidate and threshold that score best on the other files (the training
 * folds) are chosen, and the held-out files are scored at that threshold, normalised against their
 * own windows. Reported: each fold's held-out score, their mean and spread, and the pooled held-out
 * score (all held-out files together, each at its own fold's threshold, normalised against all
 * windows: the cross-validated analogue of the in-sample score).
 */
public final class NabCrossValidation {

    /** Files scored together, tuned on all the others. */
    public record Fold(String name, Set<String> heldOut) {
        public Fold {
            heldOut = Set.copyOf(heldOut);
        }
    }

    /**
     * @param chosen the candidate the training files chose
     * @param threshold its optimal threshold on the training files
     * @param windows windows in the held-out files
     * @param rawScore the held-out files' summed raw score at {@code threshold}
     * @param normalizedScore that, normalised against {@code windows}; NaN without windows
     */
    public record FoldResult(
            String fold, String chosen, double threshold, int windows, double rawScore, double normalizedScore) {}

    /**
     * @param mean mean of the folds' normalised scores, folds without windows left out
     * @param spread standard deviation of those (population), the fold spread
     * @param pooled the pooled held-out score
     */
    public record Result(NabProfile profile, List<FoldResult> folds, double mean, double spread, double pooled) {}

    private NabCrossValidation() {}

    /**
     * K folds by file, stratified by category: files sorted by category and name are dealt to the
     * folds in turn, so every fold holds files of most categories.
     */
    public static List<Fold> kFolds(List<String> keys, int k) {
        if (k < 2 || k > keys.size()) {
            throw new IllegalArgumentException(
                    "folds must be in [2, " + keys.size() + "] (the number of files), was " + k);
        }
        List<String> sorted = keys.stream().sorted().toList();
        List<Fold> folds = new ArrayList<>();
        for (int f = 0; f < k; f++) {
            Set<String> held = new LinkedHashSet<>();
            for (int i = f; i < sorted.size(); i += k) {
                held.add(sorted.get(i));
            }
            folds.add(new Fold("fold " + (f + 1) + "/" + k, held));
        }
        return folds;
    }

    /** One fold per category: tuned on every other category, as for a new kind of series. */
    public static List<Fold> leaveOneCategoryOut(List<String> keys) {
        Map<String, List<String>> byCategory = new TreeMap<>();
        for (String key : keys) {
            byCategory
                    .computeIfAbsent(
                            key.contains("/") ? key.substring(0, key.lastIndexOf('/')) : "", c -> new ArrayList<>())
                    .add(key);
        }
        if (byCategory.size() < 2) {
            throw new IllegalArgumentException("leave-one-category-out needs files of at least two categories");
        }
        return byCategory.entrySet().stream()
                .map(e -> new Fold(e.getKey(), new LinkedHashSet<>(e.getValue())))
                .toList();
    }

    /**
     * @param candidates candidate name → the files' scored rows, each candidate over the same files
     */
    public static Result run(Map<String, List<FileInput>> candidates, List<Fold> folds, NabProfile profile) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("no candidates");
        }
        List<FoldResult> results = new ArrayList<>();
        double pooledRaw = 0.0;
        int pooledWindows = 0;
        for (Fold fold : folds) {
            String chosen = null;
            ProfileResult best = null;
            for (Map.Entry<String, List<FileInput>> c : candidates.entrySet()) {
                List<FileInput> training = c.getValue().stream()
                        .filter(f -> !fold.heldOut().contains(f.key()))
                        .toList();
                ProfileResult r = NabScorer.score(training, profile);
                if (best == null || r.normalizedScore() > best.normalizedScore()) {
                    best = r;
                    chosen = c.getKey();
                }
            }
            double raw = 0.0;
            int windows = 0;
            for (FileInput f : candidates.get(chosen)) {
                if (fold.heldOut().contains(f.key())) {
                    raw += NabScorer.fileScore(f, profile, best.threshold());
                    windows += f.windows().size();
                }
            }
            pooledRaw += raw;
            pooledWindows += windows;
            results.add(new FoldResult(
                    fold.name(), chosen, best.threshold(), windows, raw, NabScorer.normalize(raw, windows, profile)));
        }
        double[] scored = results.stream()
                .mapToDouble(FoldResult::normalizedScore)
                .filter(s -> !Double.isNaN(s))
                .toArray();
        double mean = Arrays.stream(scored).average().orElse(Double.NaN);
        double spread = Math.sqrt(Arrays.stream(scored)
                .map(s -> (s - mean) * (s - mean))
                .average()
                .orElse(Double.NaN));
        return new Result(profile, results, mean, spread, NabScorer.normalize(pooledRaw, pooledWindows, profile));
    }
}
