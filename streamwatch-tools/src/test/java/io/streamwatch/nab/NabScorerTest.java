package io.streamwatch.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamwatch.nab.NabScorer.FileInput;
import io.streamwatch.nab.NabScorer.ProfileResult;
import io.streamwatch.nab.NabWindows.RowWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Hand-worked cases. All small files have n = 20 rows, so probation P = ⌊0.15·20⌋ = 3 (rows 0..2),
 * and, unless said otherwise, one window of rows [10, 14] (w = 5). σ(−1) = 0.9866142981514305.
 */
class NabScorerTest {

    private static final int N = 20;
    private static final List<RowWindow> WINDOW = List.of(new RowWindow(10, 14));
    private static final double EPS = 1e-12;

    private static FileInput file(List<RowWindow> windows, int... flaggedRows) {
        double[] scores = new double[N];
        for (int row : flaggedRows) {
            scores[row] = 1.0;
        }
        return new FileInput("cat/f.csv", scores, windows);
    }

    private static double standardAtHalf(FileInput f) {
        return NabScorer.fileScore(f, NabProfile.STANDARD, 0.5);
    }

    @Test
    void probationIsFifteenPercentCappedAt750() {
        assertThat(NabScorer.probation(20)).isEqualTo(3);
        assertThat(NabScorer.probation(4032)).isEqualTo(604); // ⌊604.8⌋
        assertThat(NabScorer.probation(5000)).isEqualTo(750);
        assertThat(NabScorer.probation(22695)).isEqualTo(750);
    }

    @Test
    void scaledSigmoidMatchesTheSpec() {
        assertThat(NabScorer.scaledSigmoid(0.0)).isCloseTo(0.0, within(EPS));
        assertThat(NabScorer.scaledSigmoid(-1.0)).isCloseTo(0.9866142981514305, within(EPS));
        assertThat(NabScorer.scaledSigmoid(3.0)).isCloseTo(2 / (1 + Math.exp(15)) - 1, within(EPS));
        assertThat(NabScorer.scaledSigmoid(3.0001)).isEqualTo(-1.0);
    }

    @Test
    void truePositiveAtTheLeftEdgeIsWorthExactlyOne() {
        // row 10: y = −(14 − 10 + 1)/5 = −1, value σ(−1)/σ(−1) = 1
        assertThat(standardAtHalf(file(WINDOW, 10))).isCloseTo(1.0, within(EPS));
    }

    @Test
    void truePositiveInTheMiddleIsWorthLess() {
        // row 12: y = −(14 − 12 + 1)/5 = −0.6; σ(−0.6) = 0.905148254 → 0.905148254/0.986614298
        assertThat(standardAtHalf(file(WINDOW, 12))).isCloseTo(0.9174286804284079, within(EPS));
    }

    @Test
    void onlyTheEarliestDetectionInAWindowCounts() {
        // rows 12 and 13 flagged: the window is worth row 12's value, row 13 adds nothing
        assertThat(standardAtHalf(file(WINDOW, 12, 13))).isCloseTo(0.9174286804284079, within(EPS));
    }

    @Test
    void missedWindowCostsMinusOne() {
        assertThat(standardAtHalf(file(WINDOW))).isCloseTo(-1.0, within(EPS));
        // reward_low_FN_rate weighs a miss twice
        assertThat(NabScorer.fileScore(file(WINDOW), NabProfile.REWARD_LOW_FN_RATE, 0.5))
                .isCloseTo(-2.0, within(EPS));
    }

    @Test
    void falsePositiveBeforeAnyWindowCostsTheFullFpWeight() {
        // row 5 is before the window: −A_FP = −0.11; the missed window adds −1
        assertThat(standardAtHalf(file(WINDOW, 5))).isCloseTo(-1.11, within(EPS));
        assertThat(NabScorer.fileScore(file(WINDOW, 5), NabProfile.REWARD_LOW_FP_RATE, 0.5))
                .isCloseTo(-1.22, within(EPS));
        // a file without windows: each flagged row costs −A_FP
        assertThat(standardAtHalf(file(List.of(), 5, 6))).isCloseTo(-0.22, within(EPS));
    }

    @Test
    void falsePositiveRightAfterAWindowCostsLittle() {
        // row 15: y = (15 − 14)/(5 − 1) = 0.25, σ(0.25) = −0.5545997 → 0.11·σ = −0.0610060
        // with the left-edge TP: 1 − 0.0610060 = 0.9389940
        assertThat(standardAtHalf(file(WINDOW, 10, 15))).isCloseTo(0.9389940305415679, within(EPS));
        // row 19: y = 5/4 = 1.25, σ(1.25) = 2/(1 + e^6.25) − 1
        double sigma = 2 / (1 + Math.exp(6.25)) - 1;
        assertThat(standardAtHalf(file(WINDOW, 10, 19))).isCloseTo(1 + 0.11 * sigma, within(EPS));
    }

    @Test
    void anFpUsesTheMostRecentEndedWindowEvenIfAnotherIsNear() {
        // windows [4, 6] (w = 3) and [10, 14]; row 9 is after [4, 6]: y = (9 − 6)/2 = 1.5
        List<RowWindow> two = List.of(new RowWindow(4, 6), new RowWindow(10, 14));
        double fp = 0.11 * (2 / (1 + Math.exp(7.5)) - 1);
        assertThat(standardAtHalf(file(two, 4, 9, 10))).isCloseTo(1 + fp + 1, within(EPS));
    }

    @Test
    void probationRowsAreIgnored() {
        // rows 0..2 are probation: flagging them is neither a detection nor an FP
        assertThat(standardAtHalf(file(List.of(), 0, 1, 2))).isEqualTo(0.0);
        // a window inside probation adds no term, detected or not
        List<RowWindow> early = List.of(new RowWindow(0, 2));
        assertThat(standardAtHalf(file(early))).isEqualTo(0.0);
        assertThat(standardAtHalf(file(early, 1))).isEqualTo(0.0);
        // a window straddling the end of probation still counts; its position uses the full window:
        // rows [1, 5] (w = 5), first post-probation row 3: y = −(5 − 3 + 1)/5 = −0.6
        List<RowWindow> straddling = List.of(new RowWindow(1, 5));
        assertThat(standardAtHalf(file(straddling, 1, 3))).isCloseTo(0.9174286804284079, within(EPS));
        assertThat(standardAtHalf(file(straddling, 1))).isCloseTo(-1.0, within(EPS));
    }

    @Test
    void oneRowWindowNeedsNoDivisionByZero() {
        List<RowWindow> single = List.of(new RowWindow(10, 10));
        // inside: y = −1/1 = −1, worth 1
        assertThat(standardAtHalf(file(single, 10))).isCloseTo(1.0, within(EPS));
        // after it: (i − r)/(w − 1) → +∞, so an FP costs the full −0.11
        assertThat(standardAtHalf(file(single, 10, 11))).isCloseTo(0.89, within(EPS));
    }

    @Test
    void optimalThresholdPrefersTheHighestOfTiedThresholds() {
        // row 10 (left edge) scores 0.9 and row 12 scores 0.6; all other rows 0.
        // T = 1.1 → −1; T = 0.9 → +1; T = 0.6 → +1 (row 12 adds nothing); T = 0 → every row:
        // 1 − 7·0.11 (rows 3..9) − FPs after the window < 1. Tie between 0.9 and 0.6: 0.9 wins.
        double[] scores = new double[N];
        scores[10] = 0.9;
        scores[12] = 0.6;
        ProfileResult r = NabScorer.score(List.of(new FileInput("cat/f.csv", scores, WINDOW)), NabProfile.STANDARD);
        assertThat(r.threshold()).isEqualTo(0.9);
        assertThat(r.rawScore()).isCloseTo(1.0, within(EPS));
        assertThat(r.normalizedScore()).isCloseTo(100.0, within(EPS));
    }

    @Test
    void flaggingNothingIsChosenWhenEveryDetectionLoses() {
        // no windows: any detection is an FP, so T = 1.1 (raw 0) is optimal
        double[] scores = new double[N];
        scores[7] = 0.8;
        ProfileResult r = NabScorer.score(List.of(new FileInput("cat/f.csv", scores, List.of())), NabProfile.STANDARD);
        assertThat(r.threshold()).isEqualTo(NabScorer.NO_DETECTION_THRESHOLD);
        assertThat(r.rawScore()).isEqualTo(0.0);
        assertThat(r.normalizedScore()).isNaN(); // no windows: 0/0
    }

    @Test
    void normalisationRunsFromNullToPerfect() {
        // standard, N = 2: null −2 → 0, perfect +2 → 100, raw 0 → 50
        assertThat(NabScorer.normalize(-2, 2, NabProfile.STANDARD)).isCloseTo(0.0, within(EPS));
        assertThat(NabScorer.normalize(2, 2, NabProfile.STANDARD)).isCloseTo(100.0, within(EPS));
        assertThat(NabScorer.normalize(0, 2, NabProfile.STANDARD)).isCloseTo(50.0, within(EPS));
        // reward_low_FN_rate, N = 2: null −4, perfect 2; raw 0 → 100·4/6
        assertThat(NabScorer.normalize(0, 2, NabProfile.REWARD_LOW_FN_RATE)).isCloseTo(400.0 / 6, within(EPS));
        // full corpus check from the spec: 100·(S + 116)/232
        assertThat(NabScorer.normalize(10, 116, NabProfile.STANDARD)).isCloseTo(100.0 * 126 / 232, within(EPS));
    }

    @Test
    void categoriesAreNormalisedAgainstTheirOwnWindows() {
        // a: one window detected at its left edge (+1); b: one window missed (−1); c: no windows,
        // row 5 scores 1.0, so at T = 1.0 c has one FP: −0.11.
        double[] hit = new double[N];
        hit[10] = 1.0;
        double[] fp = new double[N];
        fp[5] = 1.0;
        List<FileInput> files = List.of(
                new FileInput("a/x.csv", hit, WINDOW),
                new FileInput("b/y.csv", new double[N], WINDOW),
                new FileInput("c/z.csv", fp, List.of()));
        ProfileResult r = NabScorer.score(files, NabProfile.STANDARD);
        // T = 1.0: 1 − 1 − 0.11 = −0.11 beats T = 1.1 (−2) and T = 0 (everything flagged)
        assertThat(r.threshold()).isEqualTo(1.0);
        assertThat(r.rawScore()).isCloseTo(-0.11, within(EPS));
        assertThat(r.normalizedScore()).isCloseTo(100 * (-0.11 + 2) / 4, within(EPS));
        assertThat(r.fileRawScores()).containsOnlyKeys("a/x.csv", "b/y.csv", "c/z.csv");
        assertThat(r.categories().get("a").normalizedScore()).isCloseTo(100.0, within(EPS));
        assertThat(r.categories().get("b").normalizedScore()).isCloseTo(0.0, within(EPS));
        assertThat(r.categories().get("c").rawScore()).isCloseTo(-0.11, within(EPS));
        assertThat(r.categories().get("c").windows()).isZero();
        assertThat(r.categories().get("c").normalizedScore()).isNaN();
    }

    @Test
    void rejectsScoresOutsideTheUnitInterval() {
        assertThatThrownBy(() -> new FileInput("f.csv", new double[] {0.5, 1.5}, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FileInput("f.csv", new double[] {Double.NaN}, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sweepAgreesWithRescoringEveryCandidate() {
        Random random = new Random(42);
        for (int trial = 0; trial < 300; trial++) {
            List<FileInput> files = randomFiles(random);
            Map<NabProfile, ProfileResult> results = NabScorer.scoreAll(files);
            for (NabProfile profile : NabProfile.values()) {
                double[] expected = referenceOptimum(files, profile);
                ProfileResult r = results.get(profile);
                assertThat(r.threshold()).as("trial %d %s", trial, profile).isEqualTo(expected[0]);
                assertThat(r.rawScore()).isCloseTo(expected[1], within(1e-9));
            }
        }
    }

    /** The obvious implementation: score every file at every candidate; keep the highest best T. */
    private static double[] referenceOptimum(List<FileInput> files, NabProfile profile) {
        TreeSet<Double> candidates = new TreeSet<>();
        candidates.add(NabScorer.NO_DETECTION_THRESHOLD);
        for (FileInput f : files) {
            for (int i = NabScorer.probation(f.scores().length); i < f.scores().length; i++) {
                candidates.add(f.scores()[i]);
            }
        }
        double bestT = Double.NaN;
        double best = Double.NEGATIVE_INFINITY;
        for (double t : candidates.descendingSet()) {
            double total = 0;
            for (FileInput f : files) {
                total += NabScorer.fileScore(f, profile, t);
            }
            if (total > best + 1e-9) {
                best = total;
                bestT = t;
            }
        }
        return new double[] {bestT, best};
    }

    private static List<FileInput> randomFiles(Random random) {
        List<FileInput> files = new ArrayList<>();
        int count = 1 + random.nextInt(4);
        for (int f = 0; f < count; f++) {
            int n = 5 + random.nextInt(150);
            List<RowWindow> windows = new ArrayList<>();
            int row = random.nextInt(n);
            while (row < n && random.nextInt(3) > 0) {
                int last = Math.min(n - 1, row + random.nextInt(12));
                windows.add(new RowWindow(row, last));
                row = last + 1 + random.nextInt(40);
            }
            double[] scores = new double[n];
            // coarse levels create many ties; sometimes continuous scores
            boolean coarse = random.nextBoolean();
            for (int i = 0; i < n; i++) {
                double u = random.nextDouble();
                scores[i] = coarse ? Math.round(u * 8) / 8.0 : u * u * u;
            }
            files.add(new FileInput("c" + random.nextInt(3) + "/f" + f + ".csv", scores, windows));
        }
        return files;
    }
}
