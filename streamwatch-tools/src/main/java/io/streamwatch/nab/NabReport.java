package io.streamwatch.nab;

import io.streamwatch.nab.NabScorer.CategoryResult;
import io.streamwatch.nab.NabScorer.FileInput;
import io.streamwatch.nab.NabScorer.ProfileResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** The score table of an evaluation, in Markdown: overall, then per category for every profile. */
public final class NabReport {

    /**
     * One evaluated detector.
     *
     * @param results NAB scores per profile
     * @param nanosPerPoint plain-Java cost per row, see {@link NabEvaluation#nanosPerPoint}
     * @param stateBytes serialized state per series key, see {@link NabEvaluation#stateBytes}
     */
    public record Row(String detector, Map<NabProfile, ProfileResult> results, double nanosPerPoint, int stateBytes) {}

    private NabReport() {}

    public static String markdown(List<Row> rows, int files, int windows) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(
                Locale.ROOT,
                "NAB scores over %d files, %d windows: 100 = perfect, 0 = the null detector; "
                        + "T = the threshold the sweep chose.%n%n",
                files,
                windows));
        md.append(
                "| detector | standard | T | reward_low_FP_rate | T | reward_low_FN_rate | T | ns/point | state bytes/key |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append("| ").append(r.detector());
            for (NabProfile p : NabProfile.values()) {
                ProfileResult result = r.results().get(p);
                md.append(" | ")
                        .append(score(result.normalizedScore()))
                        .append(" | ")
                        .append(String.format(Locale.ROOT, "%.4f", result.threshold()));
            }
            md.append(String.format(Locale.ROOT, " | %.0f | %d |%n", r.nanosPerPoint(), r.stateBytes()));
        }
        for (NabProfile p : NabProfile.values()) {
            md.append("\nPer category, ")
                    .append(p.nabName())
                    .append(" (at the overall T; a category without windows shows its raw score):\n\n");
            md.append("| category | windows |");
            rows.forEach(r -> md.append(' ').append(r.detector()).append(" |"));
            md.append('\n')
                    .append("|---|---|")
                    .append("---|".repeat(rows.size()))
                    .append('\n');
            TreeSet<String> categories =
                    new TreeSet<>(rows.get(0).results().get(p).categories().keySet());
            for (String category : categories) {
                int n = rows.get(0).results().get(p).categories().get(category).windows();
                md.append("| ").append(category).append(" | ").append(n).append(" |");
                for (Row r : rows) {
                    CategoryResult c = r.results().get(p).categories().get(category);
                    md.append(' ')
                            .append(
                                    n == 0
                                            ? String.format(Locale.ROOT, "raw %.2f", c.rawScore())
                                            : score(c.normalizedScore()))
                            .append(" |");
                }
                md.append('\n');
            }
        }
        return md.toString();
    }

    /**
     * The cross-validation table: for every detector and profile the in-sample score beside the
     * held-out ones (see {@link NabCrossValidation}), then every fold of the standard profile.
     * Each detector is cross-validated alone: its threshold is what the training folds choose.
     *
     * @param scored detector name → its scored files
     * @param rows the in-sample rows, in the order of the table above
     */
    public static String crossValidation(Map<String, List<FileInput>> scored, List<Row> rows, int folds) {
        List<String> keys =
                scored.values().iterator().next().stream().map(FileInput::key).toList();
        List<NabCrossValidation.Fold> kFolds = NabCrossValidation.kFolds(keys, folds);
        List<NabCrossValidation.Fold> byCategory = NabCrossValidation.leaveOneCategoryOut(keys);
        StringBuilder md = new StringBuilder();
        md.append(String.format(
                Locale.ROOT,
                "%nCross-validated: thresholds chosen on the training folds, scores of the held-out files. "
                        + "Pooled = all held-out files together (each at its fold's threshold); "
                        + "mean ± spread = over the folds (population standard deviation; "
                        + "a fold without windows has no normalised score and is left out).%n%n"
                        + "| detector | profile | in-sample | %d-fold pooled | %d-fold mean ± spread "
                        + "| leave-one-category-out pooled | leave-one-category-out mean ± spread |%n"
                        + "|---|---|---|---|---|---|---|%n",
                folds,
                folds));
        Map<String, List<NabCrossValidation.Result>> details = new LinkedHashMap<>();
        for (Row r : rows) {
            Map<String, List<FileInput>> one = Map.of(r.detector(), scored.get(r.detector()));
            for (NabProfile p : NabProfile.values()) {
                NabCrossValidation.Result k = NabCrossValidation.run(one, kFolds, p);
                NabCrossValidation.Result c = NabCrossValidation.run(one, byCategory, p);
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %s | %s ± %s | %s | %s ± %s |%n",
                        r.detector(),
                        p.nabName(),
                        score(r.results().get(p).normalizedScore()),
                        score(k.pooled()),
                        score(k.mean()),
                        score(k.spread()),
                        score(c.pooled()),
                        score(c.mean()),
                        score(c.spread())));
                if (p == NabProfile.STANDARD) {
                    details.put(r.detector(), List.of(k, c));
                }
            }
        }
        md.append("\nFolds, standard profile (T = the threshold the training folds chose):\n\n");
        md.append("| detector | fold | windows | T | held-out score |\n|---|---|---|---|---|\n");
        details.forEach((detector, results) -> {
            for (NabCrossValidation.Result result : results) {
                for (NabCrossValidation.FoldResult f : result.folds()) {
                    md.append(String.format(
                            Locale.ROOT,
                            "| %s | %s | %d | %.4f | %s |%n",
                            detector,
                            f.fold(),
                            f.windows(),
                            f.threshold(),
                            f.windows() == 0
                                    ? String.format(Locale.ROOT, "raw %.2f", f.rawScore())
                                    : score(f.normalizedScore())));
                }
            }
        });
        return md.toString();
    }

    private static String score(double normalized) {
        return Double.isNaN(normalized) ? "n/a" : String.format(Locale.ROOT, "%.2f", normalized);
    }
}
