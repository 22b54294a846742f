package io.streamwatch.nab;

import io.streamwatch.nab.NabWindows.RowWindow;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The labelled series of a NAB data folder: every {@code <category>/<name>.csv} under it, read once
 * so that many detectors can be evaluated on it, with its windows from the windows file.
 *
 * <p>Every data file must have an entry in the windows file (an empty list for a file without
 * anomalies). Entries without a data file are ignored, so that a folder holding a subset of NAB can
 * be scored with NAB's full windows file; N of the normalisation then counts only the windows of the
 * files present, as for a NAB subset.
 */
public record NabCorpus(List<Labelled> series) {

    /** A series with its windows in rows. */
    public record Labelled(NabSeries series, List<RowWindow> windows) {
        public Labelled {
            windows = List.copyOf(windows);
        }
    }

    public NabCorpus {
        series = List.copyOf(series);
    }

    /** Reads every CSV file under {@code dataDir}, in key order, with its windows. */
    public static NabCorpus load(Path dataDir, Path windowsFile) {
        NabWindows windows = NabWindows.read(windowsFile);
        List<Labelled> series = new ArrayList<>();
        for (String key : dataKeys(dataDir)) {
            NabSeries s = NabSeries.read(dataDir, key);
            series.add(new Labelled(s, windows.rowWindows(s)));
        }
        if (series.isEmpty()) {
            throw new IllegalArgumentException("no .csv files under " + dataDir);
        }
        return new NabCorpus(series);
    }

    /** The keys of the CSV files under {@code dataDir}, e.g. {@code realKnownCause/nyc_taxi.csv}, sorted. */
    static List<String> dataKeys(Path dataDir) {
        if (!Files.isDirectory(dataDir)) {
            throw new IllegalArgumentException("not a directory: " + dataDir);
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            return files.filter(f ->
                            Files.isRegularFile(f) && f.getFileName().toString().endsWith(".csv"))
                    .map(f -> dataDir.relativize(f).toString().replace(File.separatorChar, '/'))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dataDir, e);
        }
    }

    public int rows() {
        return series.stream().mapToInt(l -> l.series().size()).sum();
    }

    public int windowCount() {
        return series.stream().mapToInt(l -> l.windows().size()).sum();
    }
}
