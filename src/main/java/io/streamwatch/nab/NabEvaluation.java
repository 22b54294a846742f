package io.streamwatch.nab;

import io.streamwatch.detect.Detector;
import io.streamwatch.nab.NabScorer.FileInput;
import io.streamwatch.nab.NabScorer.ProfileResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Offline evaluation for detector development: runs a detector over every NAB series in plain Java
 * (one fresh state per series, one pass, score = the assessment's score) and scores the result.
 * Fast to iterate on; the Flink operator path must give the same scores.
 */
public final class NabEvaluation {

    private NabEvaluation() {}

    /** Reads the corpus, runs {@code detector} on it and scores it under every profile. */
    public static Map<NabProfile, ProfileResult> evaluate(
            Detector<?> detector, Path dataDir, Path windowsFile) {
        return evaluate(detector, NabCorpus.load(dataDir, windowsFile));
    }

    public static Map<NabProfile, ProfileResult> evaluate(Detector<?> detector, NabCorpus corpus) {
        List<FileInput> files = new ArrayList<>();
        for (NabCorpus.Labelled l : corpus.series()) {
            files.add(new FileInput(l.series().key(), detect(detector, l.series()), l.windows()));
        }
        return NabScorer.scoreAll(files);
    }

    /** The detector's score for every row of {@code series}, starting from a fresh state. */
    public static <S> double[] detect(Detector<S> detector, NabSeries series) {
        S state = detector.newState();
        long[] ts = series.timestamps();
        double[] values = series.values();
        double[] scores = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            scores[i] = detector.assess(state, ts[i], values[i]).score();
        }
        return scores;
    }
}
