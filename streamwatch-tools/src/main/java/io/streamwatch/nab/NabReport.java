package io.streamwatch.nab;

import io.streamwatch.nab.NabScorer.CategoryResult;
import io.streamwatch.nab.NabScorer.ProfileResult;
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

    private static String score(double normalized) {
        return Double.isNaN(normalized) ? "n/a" : String.format(Locale.ROOT, "%.2f", normalized);
    }
}
