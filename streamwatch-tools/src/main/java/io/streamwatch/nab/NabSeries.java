package io.streamwatch.nab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One NAB data file: rows of {@code timestamp,value} in file order.
 *
 * <p>The original text of every timestamp and value is kept so result files can repeat the input
 * exactly.
 *
 * @param key the file's key in the windows file, e.g. {@code realKnownCause/nyc_taxi.csv}
 * @param timestamps epoch millis (UTC), one per row
 * @param values the parsed values, one per row
 * @param timestampTexts the timestamps as written in the file
 * @param valueTexts the values as written in the file
 */
public record NabSeries(
        String key, long[] timestamps, double[] values, List<String> timestampTexts, List<String> valueTexts) {

    public NabSeries {
        if (timestamps.length != values.length
                || timestamps.length != timestampTexts.size()
                || timestamps.length != valueTexts.size()) {
            throw new IllegalArgumentException("column lengths differ in " + key);
        }
        timestampTexts = List.copyOf(timestampTexts);
        valueTexts = List.copyOf(valueTexts);
    }

    /** Reads {@code dataDir/key}, e.g. {@code data/realKnownCause/nyc_taxi.csv}. */
    public static NabSeries read(Path dataDir, String key) {
        Path file = dataDir.resolve(key);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (lines.isEmpty() || !lines.get(0).strip().equals("timestamp,value")) {
            throw new IllegalArgumentException(file + ": header must be timestamp,value");
        }
        List<String> times = new ArrayList<>(lines.size());
        List<String> valueTexts = new ArrayList<>(lines.size());
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            int comma = line.indexOf(',');
            if (comma < 0 || line.indexOf(',', comma + 1) >= 0) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected 2 columns");
            }
            times.add(line.substring(0, comma));
            valueTexts.add(line.substring(comma + 1));
        }
        long[] millis = new long[times.size()];
        double[] values = new double[times.size()];
        for (int i = 0; i < millis.length; i++) {
            millis[i] = NabTime.parseMillis(times.get(i));
            values[i] = Double.parseDouble(valueTexts.get(i));
        }
        return new NabSeries(key, millis, values, times, valueTexts);
    }

    /**
     * The timestamps made strictly increasing, as the detection operator needs them (it skips a window
     * that does not end after the last one): a row not later than the one before it, such as the
     * repeated timestamps in two NAB files, is placed 1 ms after it. Every evaluation path uses
     * these, so all of them see the same times.
     */
    public long[] eventTimes() {
        long[] times = timestamps.clone();
        for (int i = 1; i < times.length; i++) {
            times[i] = Math.max(times[i], times[i - 1] + 1);
        }
        return times;
    }

    public int size() {
        return timestamps.length;
    }

    /** The folder part of the key, e.g. {@code realKnownCause}. */
    public String category() {
        int slash = key.lastIndexOf('/');
        return slash < 0 ? "" : key.substring(0, slash);
    }

    /** The file name without folder and {@code .csv}, e.g. {@code nyc_taxi}. */
    public String name() {
        String file = key.substring(key.lastIndexOf('/') + 1);
        return file.endsWith(".csv") ? file.substring(0, file.length() - 4) : file;
    }
}
