package io.streamwatch.nab;

import io.streamwatch.detect.DetectionFunction;
import io.streamwatch.detect.DetectionSettings;
import io.streamwatch.detect.Detector;
import io.streamwatch.detect.DetectorScore;
import io.streamwatch.model.WindowAggregate;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

/**
 * Runs detectors over a NAB corpus the way the pipeline runs them: every file is a series key, every
 * row one window aggregate, all through {@link DetectionFunction} keyed by series, on a bounded job.
 * The per-row scores are read from the operator's {@link DetectionFunction#SCORES} side output.
 *
 * <p>The job has no watermarks but the one at the end of input. The series come from different
 * years and share one operator; a watermark driven by one series would fire the missing-data and
 * retirement timers of another mid-series, and retirement drops detector state. At the end of input
 * the operator ignores its timers, so every row is scored exactly as in a plain loop.
 */
public final class NabFlinkRun {

    private NabFlinkRun() {}

    /**
     * @param env the environment to run in (a local MiniCluster when started from a plain JVM)
     * @return detector name → file key → one score per row, in row order; 0 for a row whose value is
     *     not finite, which the operator does not show its detectors
     */
    public static Map<String, Map<String, double[]>> detect(
            StreamExecutionEnvironment env,
            Path dataDir,
            NabCorpus corpus,
            List<? extends Detector<?>> detectors,
            DetectionSettings settings)
            throws Exception {
        Map<String, NabSeries> byKey = new LinkedHashMap<>();
        for (NabCorpus.Labelled l : corpus.series()) {
            byKey.put(l.series().key(), l.series());
        }
        Map<String, long[]> times = new HashMap<>();
        byKey.forEach((key, s) -> times.put(key, s.eventTimes()));
        Map<String, Map<String, double[]>> scores = new LinkedHashMap<>();
        for (Detector<?> d : detectors) {
            Map<String, double[]> perFile = new HashMap<>();
            byKey.forEach((key, s) -> perFile.put(key, new double[s.size()]));
            scores.put(d.name(), perFile);
        }

        var detected = env.fromData(List.copyOf(byKey.keySet()))
                .name("nab-files")
                .flatMap(new ReadSeries(dataDir.toAbsolutePath().toString()))
                .name("read-series")
                .keyBy((WindowAggregate a) -> a.seriesKey, Types.STRING)
                .process(new DetectionFunction(detectors, settings))
                .name("detect-anomalies")
                .uid("detect-anomalies");
        long received = 0;
        try (CloseableIterator<DetectorScore> it =
                detected.getSideOutput(DetectionFunction.SCORES).executeAndCollect("streamwatch-nab")) {
            while (it.hasNext()) {
                DetectorScore s = it.next();
                int row = Arrays.binarySearch(times.get(s.seriesKey), s.windowEnd);
                if (row < 0) {
                    throw new IllegalStateException(s.seriesKey + ": a score for no row: " + s);
                }
                scores.get(s.detector).get(s.seriesKey)[row] = s.score;
                received++;
            }
        }
        // on a per-job MiniCluster the collect client may warn that "some data might be lost" when the
        // cluster stops first: count, so that a lost score fails the run instead of reading as 0
        long expected = (long) detectors.size()
                * byKey.values().stream()
                        .mapToLong(s -> Arrays.stream(s.values())
                                .filter(Double::isFinite)
                                .count())
                        .sum();
        if (received != expected) {
            throw new IllegalStateException("expected " + expected + " scores from the job, received " + received);
        }
        return scores;
    }

    /**
     * The aggregates of a series: one per row, the window reaching from the previous row's time to
     * this row's, so the detectors see the row's own time (the window end, see
     * {@link NabSeries#eventTimes}) and value.
     */
    static List<WindowAggregate> aggregates(NabSeries series) {
        long[] t = series.eventTimes();
        double[] v = series.values();
        WindowAggregate[] out = new WindowAggregate[t.length];
        for (int i = 0; i < t.length; i++) {
            // the first row has no predecessor: give it the length of the next interval
            long start = i > 0 ? t[i - 1] : t.length > 1 ? 2 * t[0] - t[1] : t[0] - 1;
            out[i] = pointAggregate(series.key(), start, t[i], v[i]);
        }
        return List.of(out);
    }

    private static WindowAggregate pointAggregate(String key, long start, long end, double value) {
        WindowAggregate a = new WindowAggregate();
        a.seriesKey = key;
        a.windowStart = start;
        a.windowEnd = end;
        a.count = 1;
        a.sum = value;
        a.min = value;
        a.max = value;
        a.mean = value;
        a.p50 = value;
        a.p95 = value;
        a.p99 = value;
        a.firstEventTime = end;
        a.lastEventTime = end;
        a.revision = 1;
        return a;
    }

    /** File key → its rows as window aggregates; reads the file where the task runs. */
    static final class ReadSeries implements FlatMapFunction<String, WindowAggregate> {
        private final String dataDir;

        ReadSeries(String dataDir) {
            this.dataDir = dataDir;
        }

        @Override
        public void flatMap(String key, Collector<WindowAggregate> out) {
            aggregates(NabSeries.read(Path.of(dataDir), key)).forEach(out::collect);
        }
    }
}
