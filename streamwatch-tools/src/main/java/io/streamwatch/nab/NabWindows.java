package io.streamwatch.nab;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The labelled anomaly windows of {@code combined_windows.json}: file key → inclusive time ranges. */
public final class NabWindows {

    /** An inclusive window in event time, epoch millis. */
    public record TimeWindow(long start, long end) {
        public TimeWindow {
            if (end < start) {
                throw new IllegalArgumentException("window ends before it starts");
            }
        }
    }

    /** An inclusive window in row indices of one series. */
    public record RowWindow(int first, int last) {
        public RowWindow {
            if (first < 0 || last < first) {
                throw new IllegalArgumentException("bad row window [" + first + ", " + last + "]");
            }
        }

        public int width() {
            return last - first + 1;
        }
    }

    private final Map<String, List<TimeWindow>> byFile;

    public NabWindows(Map<String, List<TimeWindow>> byFile) {
        Map<String, List<TimeWindow>> copy = new LinkedHashMap<>();
        byFile.forEach((file, windows) -> copy.put(file, List.copyOf(windows)));
        this.byFile = Collections.unmodifiableMap(copy);
    }

    public static NabWindows read(Path windowsFile) {
        Map<String, List<List<String>>> json;
        try {
            json = new ObjectMapper().readValue(windowsFile.toFile(), new TypeReference<>() {});
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + windowsFile, e);
        }
        Map<String, List<TimeWindow>> byFile = new LinkedHashMap<>();
        json.forEach((file, pairs) -> {
            List<TimeWindow> windows = new ArrayList<>(pairs.size());
            for (List<String> pair : pairs) {
                if (pair.size() != 2) {
                    throw new IllegalArgumentException(file + ": a window needs [start, end]");
                }
                windows.add(new TimeWindow(NabTime.parseMillis(pair.get(0)), NabTime.parseMillis(pair.get(1))));
            }
            byFile.put(file, windows);
        });
        return new NabWindows(byFile);
    }

    /** File keys in the order of the windows file. */
    public List<String> files() {
        return List.copyOf(byFile.keySet());
    }

    public List<TimeWindow> windowsFor(String file) {
        List<TimeWindow> windows = byFile.get(file);
        if (windows == null) {
            throw new IllegalArgumentException("no entry for " + file + " in the windows file");
        }
        return windows;
    }

    /** Total number of windows: the N of NAB's normalisation. */
    public int count() {
        return byFile.values().stream().mapToInt(List::size).sum();
    }

    /**
     * The windows of {@code series} as row ranges: the rows whose timestamps fall inside each window.
     * Windows are matched by time rather than by exact timestamp so a bound between two rows still
     * selects the rows it covers.
     */
    public List<RowWindow> rowWindows(NabSeries series) {
        long[] ts = series.timestamps();
        List<RowWindow> rows = new ArrayList<>();
        for (TimeWindow w : windowsFor(series.key())) {
            int first = -1;
            int last = -1;
            for (int i = 0; i < ts.length; i++) {
                if (ts[i] >= w.start() && ts[i] <= w.end()) {
                    if (first < 0) {
                        first = i;
                    }
                    last = i;
                }
            }
            if (first < 0) {
                throw new IllegalArgumentException(series.key() + ": a window covers no row");
            }
            if (!rows.isEmpty() && first <= rows.get(rows.size() - 1).last()) {
                throw new IllegalArgumentException(series.key() + ": windows overlap or are unordered");
            }
            rows.add(new RowWindow(first, last));
        }
        return rows;
    }
}
