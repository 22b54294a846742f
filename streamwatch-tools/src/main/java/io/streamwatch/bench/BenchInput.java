package io.streamwatch.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The benchmark's records, a pure function of their index: series {@code i mod series}, record i
 * nominally at {@code i / eventsPerSecond} seconds of event time (in the throughput runs each series
 * reports once a second: as many events per second as series), every event up to {@link #MAX_JITTER_MS} behind its
 * nominal time (out of order, but within the job's default out-of-orderness of 5 s, so that no
 * event is late), about 1 % exact copies of an earlier record of the same series (a producer's
 * retry: a duplicate id) and 0.5 % truncated JSON. Each record's Kafka key is its series, as a
 * producer of per-series measurements would key it, so a series stays on one partition.
 *
 * <p>After the records, each partition gets one clock record, of a series of its own, three minutes
 * of event time after the rest: it closes every window in an engine whose event time only moves
 * with the data (Kafka Streams); the job closes them at the end of its bounded input anyway.
 */
final class BenchInput {
    /** Less than the job's default {@code watermarks.max-out-of-orderness} (5 s): nothing is late. */
    static final long MAX_JITTER_MS = 4_000;

    static final String CLOCK_SERIES_PREFIX = "bench-clock-";
    static final Duration CLOCK_AHEAD = Duration.ofMinutes(3);

    private static final byte[] TRUNCATED = "{\"event_id\":".getBytes(StandardCharsets.UTF_8);

    final int series;
    final long eventsPerSecond;
    /** Event time of record 0's nominal time, epoch milliseconds. */
    final long startMillis;

    BenchInput(int series, long eventsPerSecond, long startMillis) {
        this.series = series;
        this.eventsPerSecond = eventsPerSecond;
        this.startMillis = startMillis;
    }

    /**
     * Each series once a second, the records ending an hour before now (so that no event time is
     * in the future, nor the clock records), starting on a whole minute.
     */
    static BenchInput endingBeforeNow(long records, int series) {
        long spanMillis = records * 1000 / series;
        long start =
                System.currentTimeMillis() - spanMillis - Duration.ofHours(1).toMillis();
        return new BenchInput(series, series, Math.floorDiv(start, 60_000L) * 60_000L);
    }

    /** When record i is due, in event time; a producer at a steady rate sends it at this wall time. */
    long nominalMillis(long i) {
        return startMillis + i * 1000 / eventsPerSecond;
    }

    /** One in 200, scattered over the series (a pattern of i mod 200 would hit the same series every time). */
    static boolean malformed(long i) {
        return Math.floorMod(mix(i), 200L) == 7;
    }

    /** One in 100, scattered likewise: a retry of the same series' record one round earlier. */
    private boolean repeats(long i) {
        return i >= series && Math.floorMod(mix(i + 0x5DEECE66DL), 100L) == 3;
    }

    /** The record that record i copies: itself, unless it is a retry. */
    long original(long i) {
        long j = i;
        while (repeats(j)) j -= series;
        return j;
    }

    Kind kind(long i) {
        long original = original(i);
        if (malformed(original)) return Kind.MALFORMED;
        return original == i ? Kind.UNIQUE : Kind.DUPLICATE;
    }

    enum Kind {
        UNIQUE,
        DUPLICATE,
        MALFORMED
    }

    String seriesKey(long i) {
        return "host-" + (i % series) + ".cpu";
    }

    byte[] key(long i) {
        return seriesKey(i).getBytes(StandardCharsets.UTF_8);
    }

    byte[] value(long i) {
        long j = original(i);
        if (malformed(j)) return TRUNCATED;
        long eventTime = nominalMillis(j) - jitter(j);
        // concatenation, not String.format: producing should cost little next to what is measured
        return ("{\"event_id\":\"e-" + j + "\",\"series_key\":\"" + seriesKey(j) + "\",\"event_time\":" + eventTime
                        + ",\"value\":" + (50 + (j * 7919 % 4000) / 100.0)
                        + ",\"source\":\"agent\",\"unit\":\"percent\",\"attributes\":{\"dc\":\"eu-1\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** 0 to {@link #MAX_JITTER_MS} - 1, scattered. */
    static long jitter(long i) {
        return Math.floorMod(mix(i), MAX_JITTER_MS);
    }

    /** A 64-bit mix of i (SplitMix64's finalizer): the same i, the same scatter, on every run. */
    private static long mix(long i) {
        long h = (i + 0x9E3779B97F4A7C15L) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }

    static String clockSeries(int partition) {
        return CLOCK_SERIES_PREFIX + partition;
    }

    static byte[] clockValue(int partition, long eventTime) {
        return ("{\"event_id\":\"clock-" + partition + "\",\"series_key\":\"" + clockSeries(partition)
                        + "\",\"event_time\":" + eventTime + ",\"value\":0}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** How many records of each kind the first n are. */
    Counts counts(long n) {
        long unique = 0;
        long duplicates = 0;
        long malformed = 0;
        for (long i = 0; i < n; i++) {
            switch (kind(i)) {
                case UNIQUE -> unique++;
                case DUPLICATE -> duplicates++;
                case MALFORMED -> malformed++;
            }
        }
        return new Counts(n, unique, duplicates, malformed);
    }

    /**
     * @param records the generated records, clock records not counted
     * @param unique valid records with an id not seen before: what the window rows must add up to
     */
    record Counts(long records, long unique, long duplicates, long malformed) {}
}
