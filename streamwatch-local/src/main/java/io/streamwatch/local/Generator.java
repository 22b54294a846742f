package io.streamwatch.local;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Synthetic traffic with its ground truth. Many series, each one point per interval of event time;
 * driven by an event clock ({@link #advanceTo}), so tests step it exactly and the launcher runs it
 * faster than real time. Besides clean points it sends, in the proportions of {@link Settings}:
 * out-of-order points (each batch shuffled), duplicates (the same record again), late points
 * (older than the allowed lateness), malformed records, one partition that goes idle, anomalies
 * injected on window boundaries (spike, level shift, drift, dropout), and optionally recorded
 * series replayed from files ({@link Recorded}, e.g. NAB's) with their labelled windows.
 */
public final class Generator {
    public enum Kind {
        SPIKE(1, 4),
        LEVEL_SHIFT(10, 4),
        DROPOUT(8, 9),
        DRIFT(15, 18),
        LABELLED(0, 0);

        /** How many windows the injection lasts, and how many must pass before it can be judged. */
        final int windows;

        final int judgeAfterWindows;

        Kind(int windows, int judgeAfterWindows) {
            this.windows = windows;
            this.judgeAfterWindows = judgeAfterWindows;
        }

        /** Whether the series keeps sending values during it (a dropout sends none). */
        boolean sendsValues() {
            return this != DROPOUT;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /** One anomaly the generator caused (or a file labelled): event time [start, end). */
    public record Injection(Kind kind, String seriesKey, long start, long end, long judgeableAt) {}

    /** Where records go: Kafka in the launcher, a list in tests. */
    public interface Output {
        void send(int partition, long timestamp, byte[] value);
    }

    /** A recorded series to replay: event times relative to its first row, values, labelled windows. */
    public record Recorded(String seriesKey, long[] offsets, double[] values, List<long[]> labelledWindows) {}

    /**
     * @param series how many synthetic series
     * @param rate synthetic points per second of wall time (before duplicates, late and malformed ones)
     * @param speed event-time seconds per wall second
     * @param windowMillis the job's window size: anomalies start on its boundaries
     * @param warmupWindows windows before the first anomaly (detectors must learn a baseline)
     * @param anomalyEveryWindows windows between the starts of two anomalies
     * @param idleAfterWindows after this many windows the last partition gets no more records (0 = never)
     * @param lateByMillis how much older than the clock a late point is
     */
    public record Settings(
            int series,
            double rate,
            double speed,
            int partitions,
            long seed,
            double duplicateRate,
            double lateRate,
            double malformedRate,
            long windowMillis,
            int warmupWindows,
            int anomalyEveryWindows,
            int idleAfterWindows,
            long lateByMillis) {
        public Settings {
            if (series < 1 || rate <= 0 || speed <= 0 || partitions < 1 || windowMillis < 1) {
                throw new IllegalArgumentException("series, rate, speed, partitions and window must be positive");
            }
        }

        /** Event time between two points of one series. */
        long intervalMillis() {
            return Math.max(1, Math.round(series * speed / rate * 1000));
        }
    }

    /** What was sent, by category: produced = points + duplicates + late + malformed. */
    public record Totals(long points, long duplicates, long late, long malformed) {
        public long produced() {
            return points + duplicates + late + malformed;
        }
    }

    private static final String[] METRICS = {"cpu_percent", "latency_ms", "requests_per_s", "queue_depth", "error_count"
    };
    private static final String[] UNITS = {"percent", "ms", "1/s", "messages", "errors"};

    private final Settings settings;
    private final long start;
    private final Random random;
    private final List<Series> series = new ArrayList<>();
    private final List<Injection> injections = new ArrayList<>();
    private long clock;
    private long points, duplicates, late, malformed;

    /**
     * @param start event time of the first point; rounded down to a window boundary
     * @param end event time the run will stop at, or {@code Long.MAX_VALUE}: no anomaly is planned
     *     that could not be judged by then
     */
    public Generator(Settings settings, long start, long end, List<Recorded> recorded) {
        this.settings = settings;
        this.start = Math.floorDiv(start, settings.windowMillis()) * settings.windowMillis();
        this.clock = this.start - 1;
        this.random = new Random(settings.seed());
        long interval = settings.intervalMillis();
        for (int i = 0; i < settings.series(); i++) {
            int metric = i % METRICS.length;
            String key = String.format(Locale.ROOT, "host-%02d/%s", i / METRICS.length + 1, METRICS[metric]);
            double base = 20 + random.nextInt(480);
            series.add(new Series(
                    key,
                    "host-" + (i / METRICS.length + 1),
                    UNITS[metric],
                    i % settings.partitions(),
                    base,
                    this.start + (long) (random.nextDouble() * interval),
                    interval));
        }
        planAnomalies(end);
        for (int i = 0; i < recorded.size(); i++) {
            Recorded r = recorded.get(i);
            series.add(Series.replay(r, this.start, (settings.series() + i) % settings.partitions()));
            for (long[] w : r.labelledWindows()) {
                injections.add(new Injection(
                        Kind.LABELLED,
                        r.seriesKey(),
                        this.start + w[0],
                        this.start + w[1],
                        this.start + w[1] + 3 * settings.windowMillis()));
            }
        }
    }

    /** Anomalies on distinct series, easy kinds first so a short run has each of them. */
    private void planAnomalies(long end) {
        List<Series> order = new ArrayList<>(series);
        Collections.shuffle(order, random);
        Kind[] cycle = {Kind.SPIKE, Kind.LEVEL_SHIFT, Kind.DROPOUT, Kind.DRIFT};
        long w = settings.windowMillis();
        for (int n = 0; n < order.size() && settings.anomalyEveryWindows() > 0; n++) {
            Kind kind = cycle[n % cycle.length];
            long from = start + (settings.warmupWindows() + (long) n * settings.anomalyEveryWindows()) * w;
            long judgeable = from + kind.judgeAfterWindows * w;
            // two windows to spare: the last windows close only when the job drains
            if (judgeable > end - 2 * w) break;
            Series s = order.get(n);
            s.injection = new Injection(kind, s.key, from, from + kind.windows * w, judgeable);
            injections.add(s.injection);
        }
    }

    /** Sends every record due up to {@code eventTime}, shuffled: out of order by up to the step. */
    public void advanceTo(long eventTime, Output out) {
        if (eventTime <= clock) return;
        List<Pending> batch = new ArrayList<>();
        long windows = Math.floorDiv(eventTime - start, settings.windowMillis());
        boolean idle =
                settings.partitions() > 1 && settings.idleAfterWindows() > 0 && windows >= settings.idleAfterWindows();
        int partitions = idle ? settings.partitions() - 1 : settings.partitions();
        for (Series s : series) {
            int partition = s.partition % partitions;
            for (long t; (t = s.nextTime()) <= eventTime; s.index++) {
                Double value = s.valueAt(t, random);
                if (value == null) continue; // dropped out, or past the end of a recording
                byte[] record = json(s, s.key + "-" + s.index, t, value);
                batch.add(new Pending(partition, t, record));
                points++;
                if (s.replayed) continue; // recordings are replayed as they are
                if (random.nextDouble() < settings.duplicateRate()) {
                    batch.add(new Pending(partition, t, record));
                    duplicates++;
                }
                long lateTime = t - settings.lateByMillis();
                if (lateTime >= start + settings.lateByMillis() && random.nextDouble() < settings.lateRate()) {
                    batch.add(new Pending(partition, lateTime, json(s, s.key + "-late-" + s.index, lateTime, value)));
                    late++;
                }
                if (random.nextDouble() < settings.malformedRate()) {
                    batch.add(new Pending(random.nextInt(partitions), eventTime, malformed(s, t)));
                    malformed++;
                }
            }
        }
        Collections.shuffle(batch, random);
        for (Pending p : batch) out.send(p.partition, p.timestamp, p.value);
        clock = eventTime;
    }

    /** The kinds of broken records a real topic sees. */
    private byte[] malformed(Series s, long t) {
        String text = switch (random.nextInt(5)) {
            case 0 -> "{\"event_id\":\"" + s.key + "-broken\",\"series_key\":\"" + s.key; // truncated
            case 1 ->
                "{\"event_id\":\"x-" + t + "\",\"series_key\":\"" + s.key + "\",\"event_time\":\""
                        + Instant.ofEpochMilli(t) + "\"}"; // no value
            case 2 ->
                "{\"event_id\":\"x-" + t + "\",\"series_key\":\"" + s.key + "\",\"event_time\":\""
                        + Instant.ofEpochMilli(t) + "\",\"value\":\"high\"}"; // wrong type
            case 3 ->
                "{\"event_id\":\"x-" + t + "\",\"series_key\":\"" + s.key + "\",\"event_time\":" + t / 1000
                        + ",\"value\":1}"; // epoch seconds
            default -> "metric=" + s.key + " value=1"; // not JSON at all
        };
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] json(Series s, String id, long t, double value) {
        return String.format(
                        Locale.ROOT,
                        "{\"event_id\":\"%s\",\"series_key\":\"%s\",\"event_time\":\"%s\",\"value\":%.4f,\"source\":\"%s\",\"unit\":\"%s\"}",
                        id,
                        s.key,
                        Instant.ofEpochMilli(t),
                        value,
                        s.source,
                        s.unit)
                .getBytes(StandardCharsets.UTF_8);
    }

    public Totals totals() {
        return new Totals(points, duplicates, late, malformed);
    }

    /** Every planned anomaly and labelled window, started or not. */
    public List<Injection> injections() {
        return List.copyOf(injections);
    }

    /** The injections as CSV, times in ISO-8601: the run's ground truth. */
    public String truthCsv() {
        StringBuilder s = new StringBuilder("kind,series_key,start,end,judgeable_at\n");
        for (Injection i : injections) {
            s.append(i.kind().label())
                    .append(',')
                    .append(i.seriesKey())
                    .append(',')
                    .append(Instant.ofEpochMilli(i.start()))
                    .append(',')
                    .append(Instant.ofEpochMilli(i.end()))
                    .append(',')
                    .append(Instant.ofEpochMilli(i.judgeableAt()))
                    .append('\n');
        }
        return s.toString();
    }

    public long windowMillis() {
        return settings.windowMillis();
    }

    public long clock() {
        return clock;
    }

    public long start() {
        return start;
    }

    private record Pending(int partition, long timestamp, byte[] value) {}

    private static final class Series {
        final String key;
        final String source;
        final String unit;
        final int partition;
        final double base;
        final long first;
        final long interval;
        final boolean replayed;
        final long[] offsets;
        final double[] values;
        Injection injection;
        long index;

        private Series(
                String key,
                String source,
                String unit,
                int partition,
                double base,
                long first,
                long interval,
                long[] offsets,
                double[] values) {
            this.key = key;
            this.source = source;
            this.unit = unit;
            this.partition = partition;
            this.base = base;
            this.first = first;
            this.interval = interval;
            this.replayed = offsets != null;
            this.offsets = offsets;
            this.values = values;
        }

        Series(String key, String source, String unit, int partition, double base, long first, long interval) {
            this(key, source, unit, partition, base, first, interval, null, null);
        }

        static Series replay(Recorded r, long start, int partition) {
            return new Series(r.seriesKey(), "replay", "value", partition, 0, start, 0, r.offsets(), r.values());
        }

        long nextTime() {
            if (!replayed) return first + index * interval;
            return index < offsets.length ? first + offsets[(int) index] : Long.MAX_VALUE;
        }

        /** The value at {@code t}, or null for no point. Noise is 2% of the level per point. */
        Double valueAt(long t, Random random) {
            if (replayed) return values[(int) index];
            double v = base + random.nextGaussian() * 0.02 * base;
            Injection a = injection;
            if (a == null || t < a.start()) return v;
            boolean during = t < a.end();
            return switch (a.kind()) {
                case SPIKE -> during ? v + 0.6 * base : v;
                case LEVEL_SHIFT -> during ? v + 0.4 * base : v;
                case DROPOUT -> during ? null : v;
                // a slow leak: the level climbs for the injection's windows and stays up
                case DRIFT -> v + 0.4 * base * Math.min(1.0, (double) (t - a.start()) / (a.end() - a.start()));
                case LABELLED -> v;
            };
        }
    }
}
