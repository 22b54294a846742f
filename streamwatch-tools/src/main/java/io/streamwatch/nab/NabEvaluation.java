package io.streamwatch.nab;

import io.streamwatch.detect.Detector;
import io.streamwatch.nab.NabScorer.FileInput;
import io.streamwatch.nab.NabScorer.ProfileResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Offline evaluation for detector development: runs a detector over every NAB series in plain Java
 * (one fresh state per series, one pass, score = the assessment's score) and scores the result.
 * Fast to iterate on; the Flink operator path must give the same scores.
 */
public final class NabEvaluation {

    private NabEvaluation() {}

    /** Reads the corpus, runs {@code detector} on it and scores it under every profile. */
    public static Map<NabProfile, ProfileResult> evaluate(Detector<?> detector, Path dataDir, Path windowsFile) {
        return evaluate(detector, NabCorpus.load(dataDir, windowsFile));
    }

    public static Map<NabProfile, ProfileResult> evaluate(Detector<?> detector, NabCorpus corpus) {
        List<FileInput> files = new ArrayList<>();
        for (NabCorpus.Labelled l : corpus.series()) {
            files.add(new FileInput(l.series().key(), detect(detector, l.series()), l.windows()));
        }
        return NabScorer.scoreAll(files);
    }

    /** The detector's score for every row of {@code series} (0 for a value that is not finite), from a fresh state. */
    public static <S> double[] detect(Detector<S> detector, NabSeries series) {
        S state = detector.newState();
        long[] ts = series.eventTimes();
        double[] values = series.values();
        double[] scores = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            // as in the detection operator, which does not show detectors a value that is not finite
            scores[i] = Double.isFinite(values[i])
                    ? detector.assess(state, ts[i], values[i]).score()
                    : 0.0;
        }
        return scores;
    }

    /**
     * Cost per point in plain Java: the best of three timed passes over every series, after one
     * warm-up pass, in nanoseconds per row. Machine-dependent; meant for comparing detectors.
     */
    public static double nanosPerPoint(Detector<?> detector, NabCorpus corpus) {
        double best = Double.MAX_VALUE;
        double sink = 0;
        for (int pass = 0; pass < 4; pass++) {
            long start = System.nanoTime();
            for (NabCorpus.Labelled l : corpus.series()) {
                sink += detect(detector, l.series())[0];
            }
            long elapsed = System.nanoTime() - start;
            if (pass > 0) {
                best = Math.min(best, (double) elapsed / corpus.rows());
            }
        }
        // keeps the JIT from dropping the passes as dead code
        if (Double.isNaN(sink)) {
            throw new AssertionError();
        }
        return best;
    }

    /**
     * Serialized size of the detector's state, in bytes, after the longest series of the corpus: what
     * one key costs in Flink state (state is bounded, so a longer series would not cost more).
     */
    public static <S> int stateBytes(Detector<S> detector, NabCorpus corpus) {
        NabSeries longest = corpus.series().stream()
                .map(NabCorpus.Labelled::series)
                .max(Comparator.comparingInt(NabSeries::size))
                .orElseThrow();
        S state = detector.newState();
        for (int i = 0; i < longest.size(); i++) {
            detector.assess(state, longest.eventTimes()[i], longest.values()[i]);
        }
        TypeSerializer<S> serializer = detector.stateType().createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(1024);
        try {
            serializer.serialize(state, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.length();
    }
}
