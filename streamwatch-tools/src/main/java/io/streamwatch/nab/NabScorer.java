package io.streamwatch.nab;

import io.streamwatch.nab.NabWindows.RowWindow;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * NAB v1.1 scoring as specified in {@code shared/nab/SCORING.md} (beside the checkout): probation, scaled-sigmoid
 * window weighting, one threshold optimised over all files, normalisation between the null and the
 * perfect detector.
 *
 * <p>Where NAB's reference code fails, this scorer decides:
 *
 * <ul>
 *   <li>A window one row wide has no defined after-window slope ((i − r)/(w − 1) divides by zero);
 *       its limit, y = +∞, is used, so an FP after it costs the full −A_FP.
 *   <li>A file without windows is scored like any other: every detection costs −A_FP.
 *   <li>A set of files without windows normalises to NaN (0/0); its raw score is still reported.
 * </ul>
 *
 * <p>Per category, the raw score is the sum of its files' raw scores at the corpus-wide optimal
 * threshold (NAB uses one threshold for every file), normalised against that category's own
 * windows: {@code 100 · (S + A_FN·N_c) / ((A_TP + A_FN)·N_c)}.
 */
public final class NabScorer {

    /** The candidate threshold that flags nothing. */
    public static final double NO_DETECTION_THRESHOLD = 1.1;

    /**
     * Score differences below this are treated as ties so that summation order cannot break a tie
     * towards a lower threshold.
     */
    private static final double TIE_TOLERANCE = 1e-9;

    private static final double MAX_TP = scaledSigmoid(-1.0);

    private NabScorer() {}

    /**
     * One scored data file.
     *
     * @param key the file key, e.g. {@code realKnownCause/nyc_taxi.csv}; its folder is the category
     * @param scores one anomaly score in [0, 1] per row
     * @param windows the file's windows in rows, ordered and disjoint
     */
    public record FileInput(String key, double[] scores, List<RowWindow> windows) {
        public FileInput {
            windows = List.copyOf(windows);
            int previousLast = -1;
            for (RowWindow w : windows) {
                if (w.first() <= previousLast || w.last() >= scores.length) {
                    throw new IllegalArgumentException(key + ": windows must be ordered, disjoint, in range");
                }
                previousLast = w.last();
            }
            for (double s : scores) {
                if (!(s >= 0.0 && s <= 1.0)) {
                    throw new IllegalArgumentException(key + ": scores must be in [0, 1], found " + s);
                }
            }
        }

        public String category() {
            int slash = key.lastIndexOf('/');
            return slash < 0 ? "" : key.substring(0, slash);
        }
    }

    /** A category's share of a profile result, normalised against the category's own windows. */
    public record CategoryResult(String category, int windows, double rawScore, double normalizedScore) {}

    /**
     * The outcome for one profile.
     *
     * @param threshold the optimal threshold (highest of the tied best)
     * @param rawScore the summed raw score of all files at {@code threshold}
     * @param normalizedScore 100 for the perfect detector, 0 for the null detector
     * @param fileRawScores raw score per file key at {@code threshold}, in input order
     * @param categories per category, sorted by name
     */
    public record ProfileResult(
            NabProfile profile,
            double threshold,
            double rawScore,
            double normalizedScore,
            Map<String, Double> fileRawScores,
            Map<String, CategoryResult> categories) {}

    /** The probationary period: the first min(⌊0.15·n⌋, 750) rows are never scored. */
    public static int probation(int rows) {
        return Math.min((int) Math.floor(0.15 * rows), 750);
    }

    /** NAB's scaled sigmoid: +1 at −∞ down to −1, exactly −1 beyond y = 3. */
    public static double scaledSigmoid(double y) {
        return y > 3.0 ? -1.0 : 2.0 / (1.0 + Math.exp(5.0 * y)) - 1.0;
    }

    /**
     * Normalises a raw score against the null (−A_FN·N) and perfect (A_TP·N) detectors; NaN when
     * there are no windows (0/0).
     */
    public static double normalize(double rawScore, int windowCount, NabProfile profile) {
        if (windowCount == 0) {
            return Double.NaN;
        }
        double nullScore = -profile.fnWeight() * windowCount;
        double perfectScore = profile.tpWeight() * windowCount;
        return 100.0 * (rawScore - nullScore) / (perfectScore - nullScore);
    }

    /**
     * What flagging each row would be worth: positive inside a window, negative outside.
     *
     * @param rows number of rows of the file
     */
    public static double[] rowValues(int rows, List<RowWindow> windows, NabProfile profile) {
        double[] values = new double[rows];
        RowWindow previous = null;
        int next = 0;
        for (int i = 0; i < rows; i++) {
            RowWindow current = next < windows.size() ? windows.get(next) : null;
            if (current != null && i >= current.first()) {
                double y = -(double) (current.last() - i + 1) / current.width();
                values[i] = profile.tpWeight() * scaledSigmoid(y) / MAX_TP;
                if (i == current.last()) {
                    previous = current;
                    next++;
                }
            } else if (previous == null) {
                values[i] = -profile.fpWeight();
            } else {
                double y = previous.width() == 1
                        ? Double.POSITIVE_INFINITY
                        : (double) (i - previous.last()) / (previous.width() - 1);
                values[i] = profile.fpWeight() * scaledSigmoid(y);
            }
        }
        return values;
    }

    /**
     * Raw score of one file at threshold {@code t}, computed directly from the definition: every
     * window with a post-probation row scores its earliest detection or −A_FN, every detection
     * outside the windows adds its FP value.
     */
    public static double fileScore(FileInput file, NabProfile profile, double t) {
        double[] scores = file.scores();
        double[] values = rowValues(scores.length, file.windows(), profile);
        int start = probation(scores.length);
        double total = 0.0;
        for (RowWindow w : file.windows()) {
            if (w.last() < start) {
                continue;
            }
            double term = -profile.fnWeight();
            for (int i = Math.max(w.first(), start); i <= w.last(); i++) {
                if (scores[i] >= t) {
                    term = values[i];
                    break;
                }
            }
            total += term;
        }
        int[] windowOf = windowIndexByRow(scores.length, file.windows());
        for (int i = start; i < scores.length; i++) {
            if (windowOf[i] < 0 && scores[i] >= t) {
                total += values[i];
            }
        }
        return total;
    }

    /** Scores all files under every profile. */
    public static Map<NabProfile, ProfileResult> scoreAll(List<FileInput> files) {
        Candidates candidates = Candidates.of(files);
        Map<NabProfile, ProfileResult> results = new EnumMap<>(NabProfile.class);
        for (NabProfile profile : NabProfile.values()) {
            results.put(profile, score(files, profile, candidates));
        }
        return results;
    }

    /** Scores all files under one profile. */
    public static ProfileResult score(List<FileInput> files, NabProfile profile) {
        return score(files, profile, Candidates.of(files));
    }

    private static ProfileResult score(List<FileInput> files, NabProfile profile, Candidates candidates) {
        double threshold = optimalThreshold(files, profile, candidates);
        Map<String, Double> fileScores = new LinkedHashMap<>();
        Map<String, double[]> categoryTotals = new TreeMap<>();
        double raw = 0.0;
        int windowCount = 0;
        for (FileInput file : files) {
            double s = fileScore(file, profile, threshold);
            fileScores.put(file.key(), s);
            raw += s;
            windowCount += file.windows().size();
            double[] acc = categoryTotals.computeIfAbsent(file.category(), c -> new double[2]);
            acc[0] += s;
            acc[1] += file.windows().size();
        }
        Map<String, CategoryResult> categories = new LinkedHashMap<>();
        categoryTotals.forEach((category, acc) -> {
            int n = (int) acc[1];
            categories.put(category, new CategoryResult(category, n, acc[0], normalize(acc[0], n, profile)));
        });
        return new ProfileResult(profile, threshold, raw, normalize(raw, windowCount, profile), fileScores, categories);
    }

    /**
     * The sweep: walk all post-probation rows from the highest score down, keeping each window's
     * best detection value and the running FP sum, so the total at every candidate threshold costs
     * only the rows that cross it. O(n log n) for the sort, O(n) for the walk.
     */
    static double optimalThreshold(List<FileInput> files, NabProfile profile, Candidates candidates) {
        int[] windowBase = new int[files.size()];
        int windowTotal = 0;
        double[][] values = new double[files.size()][];
        for (int f = 0; f < files.size(); f++) {
            FileInput file = files.get(f);
            windowBase[f] = windowTotal;
            windowTotal += file.windows().size();
            values[f] = rowValues(file.scores().length, file.windows(), profile);
        }
        // Only windows with a post-probation row take part, each starting as a miss.
        double[] windowTerm = new double[windowTotal];
        double total = 0.0;
        for (int f = 0; f < files.size(); f++) {
            FileInput file = files.get(f);
            int start = probation(file.scores().length);
            for (int w = 0; w < file.windows().size(); w++) {
                if (file.windows().get(w).last() >= start) {
                    windowTerm[windowBase[f] + w] = -profile.fnWeight();
                    total += -profile.fnWeight();
                }
            }
        }
        double bestThreshold = NO_DETECTION_THRESHOLD;
        double bestTotal = total;
        int k = 0;
        while (k < candidates.size()) {
            double t = candidates.score(k);
            while (k < candidates.size() && candidates.score(k) == t) {
                int f = candidates.file(k);
                int row = candidates.row(k);
                int w = candidates.windowOf[f][row];
                double v = values[f][row];
                if (w < 0) {
                    total += v;
                } else if (v > windowTerm[windowBase[f] + w]) {
                    total += v - windowTerm[windowBase[f] + w];
                    windowTerm[windowBase[f] + w] = v;
                }
                k++;
            }
            if (total > bestTotal + TIE_TOLERANCE) {
                bestTotal = total;
                bestThreshold = t;
            }
        }
        return bestThreshold;
    }

    private static int[] windowIndexByRow(int rows, List<RowWindow> windows) {
        int[] windowOf = new int[rows];
        Arrays.fill(windowOf, -1);
        for (int w = 0; w < windows.size(); w++) {
            Arrays.fill(windowOf, windows.get(w).first(), windows.get(w).last() + 1, w);
        }
        return windowOf;
    }

    /** Every post-probation row of every file, sorted by score, highest first; profile-independent. */
    static final class Candidates {
        private final double[] scores;
        private final int[] files;
        private final int[] rows;
        private final int[][] windowOf;

        private Candidates(double[] scores, int[] files, int[] rows, int[][] windowOf) {
            this.scores = scores;
            this.files = files;
            this.rows = rows;
            this.windowOf = windowOf;
        }

        static Candidates of(List<FileInput> files) {
            int count = 0;
            for (FileInput file : files) {
                count += file.scores().length - probation(file.scores().length);
            }
            Integer[] order = new Integer[count];
            double[] flatScores = new double[count];
            int[] flatFiles = new int[count];
            int[] flatRows = new int[count];
            int[][] windowOf = new int[files.size()][];
            int k = 0;
            for (int f = 0; f < files.size(); f++) {
                double[] s = files.get(f).scores();
                windowOf[f] = windowIndexByRow(s.length, files.get(f).windows());
                for (int i = probation(s.length); i < s.length; i++) {
                    order[k] = k;
                    flatScores[k] = s[i];
                    flatFiles[k] = f;
                    flatRows[k] = i;
                    k++;
                }
            }
            Arrays.sort(order, (a, b) -> Double.compare(flatScores[b], flatScores[a]));
            double[] sortedScores = new double[count];
            int[] sortedFiles = new int[count];
            int[] sortedRows = new int[count];
            for (int j = 0; j < count; j++) {
                sortedScores[j] = flatScores[order[j]];
                sortedFiles[j] = flatFiles[order[j]];
                sortedRows[j] = flatRows[order[j]];
            }
            return new Candidates(sortedScores, sortedFiles, sortedRows, windowOf);
        }

        int size() {
            return scores.length;
        }

        double score(int k) {
            return scores[k];
        }

        int file(int k) {
            return files[k];
        }

        int row(int k) {
            return rows[k];
        }
    }
}
