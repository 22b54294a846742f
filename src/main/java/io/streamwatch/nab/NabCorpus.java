package io.streamwatch.nab;

import io.streamwatch.nab.NabWindows.RowWindow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The labelled series of a NAB data folder: every file listed in the windows file, read once so
 * that many detectors can be evaluated on it.
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

    /** Reads every file the windows file lists, from {@code dataDir}. */
    public static NabCorpus load(Path dataDir, Path windowsFile) {
        NabWindows windows = NabWindows.read(windowsFile);
        List<Labelled> series = new ArrayList<>();
        for (String key : windows.files()) {
            NabSeries s = NabSeries.read(dataDir, key);
            series.add(new Labelled(s, windows.rowWindows(s)));
        }
        return new NabCorpus(series);
    }

    public int rows() {
        return series.stream().mapToInt(l -> l.series().size()).sum();
    }

    public int windowCount() {
        return series.stream().mapToInt(l -> l.windows().size()).sum();
    }
}
