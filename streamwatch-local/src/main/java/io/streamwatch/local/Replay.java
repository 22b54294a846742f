package io.streamwatch.local;

import io.streamwatch.nab.NabSeries;
import io.streamwatch.nab.NabWindows;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Labelled series in NAB's format ({@code timestamp,value} files, a windows JSON) as recorded series to replay. */
final class Replay {
    private Replay() {}

    /**
     * @param data a CSV file, or a folder whose CSV files (at any depth) are replayed
     * @param windows NAB's windows file, its keys relative to {@code data}; null for no labels
     */
    static List<Generator.Recorded> load(Path data, Path windows) {
        if (!Files.exists(data)) throw new LauncherException("--replay: " + data + " does not exist");
        if (windows != null && !Files.isRegularFile(windows))
            throw new LauncherException("--labels: " + windows + " is not a file");
        Path root = (Files.isDirectory(data) ? data : data.toAbsolutePath().getParent()).toAbsolutePath();
        NabWindows labels = windows == null ? null : NabWindows.read(windows);
        List<Generator.Recorded> recorded = new ArrayList<>();
        try (Stream<Path> files = Files.isDirectory(data) ? Files.walk(root) : Stream.of(data.toAbsolutePath())) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".csv")).sorted().toList()) {
                String key = root.relativize(file).toString().replace('\\', '/');
                NabSeries series = NabSeries.read(root, key);
                if (series.timestamps().length == 0) continue;
                long first = series.timestamps()[0];
                long[] offsets = new long[series.timestamps().length];
                for (int i = 0; i < offsets.length; i++) offsets[i] = series.timestamps()[i] - first;
                List<long[]> labelled = new ArrayList<>();
                if (labels != null) {
                    for (NabWindows.TimeWindow w : labels.windowsFor(key))
                        labelled.add(new long[] {w.start() - first, w.end() - first});
                }
                recorded.add(new Generator.Recorded(
                        "nab/" + key.replaceAll("\\.csv$", ""), offsets, series.values(), labelled));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalArgumentException e) {
            throw new LauncherException("--replay: " + e.getMessage());
        }
        if (recorded.isEmpty()) throw new LauncherException("--replay: no CSV file in " + data);
        return recorded;
    }
}
