package io.streamwatch.local;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.runtime.metrics.MetricNames;

/**
 * The local cluster's metrics, read in the same JVM: live for the status line, and final once the
 * job has ended, when Flink's REST API no longer serves them. A {@link MetricReporter} that Flink
 * instantiates through {@link Factory}; the board it fills is found again by an id in the config.
 */
public final class LocalMetrics implements MetricReporter {
    private static final String NAME = "streamwatch-local";
    private static final String BOARD_ID = "board-id";
    private static final String OPERATOR = "<operator_name>";
    private static final Map<String, Board> BOARDS = new ConcurrentHashMap<>();

    private final Board board;

    private LocalMetrics(Board board) {
        this.board = board;
    }

    /** Adds this reporter to a Flink configuration and returns the board it will fill. */
    public static Board attach(Configuration flink) {
        String id = UUID.randomUUID().toString();
        Board board = new Board();
        BOARDS.put(id, board);
        flink.setString("metrics.reporters", NAME);
        flink.setString("metrics.reporter." + NAME + ".factory.class", Factory.class.getName());
        flink.setString("metrics.reporter." + NAME + "." + BOARD_ID, id);
        return board;
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        String operator = group.getAllVariables().getOrDefault(OPERATOR, "");
        if (metric instanceof Counter counter) {
            board.counters
                    .computeIfAbsent(new Key(name, operator), k -> new CopyOnWriteArrayList<>())
                    .add(counter);
        } else if (metric instanceof Gauge<?> gauge) {
            board.gauges
                    .computeIfAbsent(name, k -> new CopyOnWriteArrayList<>())
                    .add(gauge);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        // counters stay: a finished task's counter holds its final count, which the summary needs
        if (metric instanceof Gauge<?> gauge) {
            // the job's restart count is wanted after the job has ended too, by the summary
            if (name.equals(MetricNames.NUM_RESTARTS) && gauge.getValue() instanceof Number restarts) {
                board.restartsAtEnd.set(restarts.longValue());
            }
            List<Gauge<?>> list = board.gauges.get(name);
            if (list != null) list.remove(gauge);
        }
    }

    private record Key(String name, String operator) {}

    /** What the reporter saw. Counts add up every counter of a name, of tasks running or finished. */
    public static final class Board {
        private final Map<Key, List<Counter>> counters = new ConcurrentHashMap<>();
        private final Map<String, List<Gauge<?>>> gauges = new ConcurrentHashMap<>();
        private final AtomicLong restartsAtEnd = new AtomicLong();

        /** The sum of a counter over all operators and subtasks (use for names only one operator registers). */
        public long count(String name) {
            return counters.entrySet().stream()
                    .filter(e -> e.getKey().name().equals(name))
                    .flatMap(e -> e.getValue().stream())
                    .mapToLong(Counter::getCount)
                    .sum();
        }

        /** The sum of a counter of one operator (by its {@code .name(...)}) over its subtasks. */
        public long count(String name, String operator) {
            return counters.getOrDefault(new Key(name, operator), List.of()).stream()
                    .mapToLong(Counter::getCount)
                    .sum();
        }

        /** The largest value of a numeric gauge over the subtasks now running, or {@code fallback}. */
        public long maxGauge(String name, long fallback) {
            return gauges.getOrDefault(name, List.of()).stream()
                    .map(Gauge::getValue)
                    .filter(v -> v instanceof Number)
                    .mapToLong(v -> ((Number) v).longValue())
                    .max()
                    .orElse(fallback);
        }

        /** How often the job restarted (Flink's {@code numRestarts}); once it has ended, the count it ended with. */
        public long restarts() {
            return maxGauge(MetricNames.NUM_RESTARTS, restartsAtEnd.get());
        }
    }

    /** Found by Flink through META-INF/services; hands each reporter the board its config names. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            Board board = BOARDS.get(properties.getProperty(BOARD_ID, ""));
            return new LocalMetrics(board == null ? new Board() : board);
        }
    }
}
