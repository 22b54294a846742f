package io.streamwatch.nab;

import io.streamwatch.nab.NabWindows.RowWindow;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes detector output in NAB's result layout, so NAB's own scorer can check ours:
 * {@code OUT/results/<detector>/<category>/<detector>_<name>.csv} with columns
 * {@code timestamp,value,anomaly_score,label}.
 */
public final class NabResultFiles {

    /** NAB splits file names on "_" to find the detector, so names are letters and digits only. */
    private static final Pattern DETECTOR_NAME = Pattern.compile("[A-Za-z0-9]+");

    private NabResultFiles() {}

    /** Where the result file of {@code series} goes under {@code outDir}. */
    public static Path resultPath(Path outDir, String detector, NabSeries series) {
        requireValidName(detector);
        return outDir.resolve("results")
                .resolve(detector)
                .resolve(series.category())
                .resolve(detector + "_" + series.name() + ".csv");
    }

    /**
     * Writes one result file: a row per input row in input order, timestamp and value as in the
     * input, label 1 inside a window and 0 outside.
     *
     * @return the path written
     */
    public static Path write(Path outDir, String detector, NabSeries series, double[] scores, List<RowWindow> windows) {
        if (scores.length != series.size()) {
            throw new IllegalArgumentException(
                    series.key() + ": " + scores.length + " scores for " + series.size() + " rows");
        }
        Path file = resultPath(outDir, detector, series);
        boolean[] inWindow = new boolean[series.size()];
        for (RowWindow w : windows) {
            for (int i = w.first(); i <= w.last(); i++) {
                inWindow[i] = true;
            }
        }
        try {
            Files.createDirectories(file.getParent());
            try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                out.write("timestamp,value,anomaly_score,label\n");
                for (int i = 0; i < series.size(); i++) {
                    out.write(series.timestampTexts().get(i));
                    out.write(',');
                    out.write(series.valueTexts().get(i));
                    out.write(',');
                    out.write(Double.toString(scores[i]));
                    out.write(inWindow[i] ? ",1\n" : ",0\n");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    private static void requireValidName(String detector) {
        if (!DETECTOR_NAME.matcher(detector).matches()) {
            throw new IllegalArgumentException(
                    "detector name must be letters and digits only (NAB splits on '_'): " + detector);
        }
    }
}
