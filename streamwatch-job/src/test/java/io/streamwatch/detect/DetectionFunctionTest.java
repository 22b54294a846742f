package io.streamwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.streamwatch.model.AnomalyEvent;
import io.streamwatch.model.AnomalyEvent.Kind;
import io.streamwatch.model.Severity;
import io.streamwatch.model.WindowAggregate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DetectionFunctionTest {

    private static final long T0 = Instant.parse("2024-05-01T10:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000L;

    private static final SeverityThresholds SEVERITY = new SeverityThresholds(0.3, 0.6, 0.9);
    private static final AnomalyLifecycle LIFECYCLE = new AnomalyLifecycle(0.5, 0.2, 2);
    /** Missing data after 3 silent windows, retirement after 10. */
    private static final DetectionSettings SETTINGS =
            new DetectionSettings(ObservedField.MEAN, SEVERITY, LIFECYCLE, 3, 10);

    private static final ThresholdDetector THRESHOLD = new ThresholdDetector(Double.NEGATIVE_INFINITY, 150.0, 10.0);
    private static final EwmaDetector EWMA = new EwmaDetector(0.2, 5, ZScoring.DEFAULT);

    private final InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
    private MockEnvironment environment;
    private KeyedOneInputStreamOperatorTestHarness<String, WindowAggregate, AnomalyEvent> harness;

    @AfterEach
    void close() throws Exception {
        // tests of the constructor open no harness
        if (harness != null) {
            harness.close();
            environment.close();
        }
    }

    @Test
    void aSpikeOpensAnAnomalyPerDetectorThatResolvesAfterNormalWindows() throws Exception {
        open(List.of(THRESHOLD, EWMA), SETTINGS);
        for (int w = 0; w < 13; w++) {
            send(aggregate("a", w, w == 10 ? 200.0 : 100.0));
        }

        List<AnomalyEvent> events = harness.extractOutputValues();

        assertThat(events)
                .extracting(e -> e.kind, e -> e.detector, e -> e.openedWindowStart, e -> e.windowStart)
                .containsExactly(
                        tuple(Kind.OPENED, "threshold", minute(10), minute(10)),
                        tuple(Kind.OPENED, "ewma", minute(10), minute(10)),
                        tuple(Kind.RESOLVED, "threshold", minute(10), minute(12)),
                        tuple(Kind.RESOLVED, "ewma", minute(10), minute(12)));
        AnomalyEvent opened = events.get(0);
        assertThat(opened.seriesKey).isEqualTo("a");
        assertThat(opened.windowEnd).isEqualTo(minute(11));
        assertThat(opened.score).isEqualTo(1.0);
        assertThat(opened.severity).isEqualTo(Severity.CRITICAL);
        assertThat(opened.observed).isEqualTo(200.0);
        assertThat(opened.expectedHigh).isEqualTo(150.0);
        assertThat(opened.message).isEqualTo("threshold: mean 200 outside expected [-inf, 150]");
        assertThat(events.get(1).message).isEqualTo("ewma: mean 200 outside expected [97, 103]");
        AnomalyEvent resolved = events.get(2);
        assertThat(resolved.anomalyId()).isEqualTo(opened.anomalyId());
        assertThat(resolved.windowEnd).isEqualTo(minute(13));
        assertThat(resolved.score).isEqualTo(0.0);
        assertThat(resolved.severity).as("severity of the anomaly, for routing").isEqualTo(Severity.CRITICAL);
        assertThat(counter("anomaliesOpened").getCount()).isEqualTo(2);
        assertThat(counter("anomaliesResolved").getCount()).isEqualTo(2);
    }

    @Test
    void emitsOneScorePerWindowAndDetector() throws Exception {
        open(List.of(THRESHOLD, EWMA), SETTINGS);
        for (int w = 0; w < 13; w++) {
            send(aggregate("a", w, w == 10 ? 200.0 : 100.0));
        }

        List<DetectorScore> scores = scores();

        assertThat(scores).hasSize(26);
        assertThat(scores.get(20))
                .isEqualTo(new DetectorScore(
                        "a",
                        "threshold",
                        minute(10),
                        minute(11),
                        200.0,
                        new Assessment(1.0, Double.NEGATIVE_INFINITY, 150.0)));
        assertThat(scores.get(1))
                .as("ewma warming up")
                .isEqualTo(new DetectorScore("a", "ewma", minute(0), minute(1), 100.0, Assessment.WARMING_UP));
    }

    @Test
    void aLateRefiringOrOutOfOrderWindowIsIgnored() throws Exception {
        open(List.of(THRESHOLD), SETTINGS);
        for (int w = 0; w < 5; w++) {
            send(aggregate("a", w, 100.0));
        }
        WindowAggregate refired = aggregate("a", 2, 1000.0);
        refired.revision = 2;
        send(refired);
        send(aggregate("a", 4, 1000.0));
        send(aggregate("a", 0, 1000.0));

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(scores())
                .extracting(s -> s.windowStart)
                .containsExactly(minute(0), minute(1), minute(2), minute(3), minute(4));
    }

    @Test
    void missingDataOpensAfterSilentWindowsAndResolvesWhenDataReturns() throws Exception {
        open(List.of(THRESHOLD), SETTINGS);
        for (int w = 0; w < 5; w++) {
            send(aggregate("a", w, 100.0));
        }

        harness.processWatermark(minute(8) - 2);
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.processWatermark(minute(8) - 1);
        assertThat(harness.extractOutputValues()).singleElement().satisfies(e -> {
            assertThat(e.kind).isEqualTo(Kind.OPENED);
            assertThat(e.detector).isEqualTo("missingdata");
            assertThat(e.openedWindowStart).isEqualTo(minute(5));
            assertThat(e.windowStart).isEqualTo(minute(5));
            assertThat(e.windowEnd).isEqualTo(minute(8));
            assertThat(e.score).isEqualTo(1.0);
            assertThat(e.severity).isEqualTo(Severity.CRITICAL);
            assertThat(e.observed).isEqualTo(3.0);
            assertThat(e.message).isEqualTo("no data for 3 windows since 2024-05-01T10:05:00Z");
        });
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.getOutput().clear();
        send(aggregate("a", 9, 100.0));

        assertThat(harness.extractOutputValues()).singleElement().satisfies(e -> {
            assertThat(e.kind).isEqualTo(Kind.RESOLVED);
            assertThat(e.detector).isEqualTo("missingdata");
            assertThat(e.openedWindowStart).isEqualTo(minute(5));
            assertThat(e.windowStart).isEqualTo(minute(9));
            assertThat(e.observed).as("windows without data").isEqualTo(4.0);
        });
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        assertThat(counter("anomaliesOpened").getCount()).isEqualTo(1);
        assertThat(counter("anomaliesResolved").getCount()).isEqualTo(1);
    }

    @Test
    void aWindowAfterASilenceReportsItWhetherOrNotTheWatermarkGotThereFirst() throws Exception {
        open(List.of(THRESHOLD), SETTINGS);
        for (int w = 0; w < 5; w++) {
            send(aggregate("a", w, 100.0));
        }
        send(aggregate("a", 9, 100.0)); // the watermark has not reached the silence's end yet

        assertThat(harness.extractOutputValues())
                .extracting(e -> e.kind + " " + e.detector + " " + (e.windowEnd - minute(0)) / MINUTE)
                .containsExactly("OPENED missingdata 8", "RESOLVED missingdata 10");
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        send(aggregate("a", 11, 100.0)); // one silent window only: nothing to report
        assertThat(harness.extractOutputValues()).hasSize(2);
    }

    @Test
    void keepsOneTimerPerSeriesWhateverItsLength() throws Exception {
        open(List.of(THRESHOLD), SETTINGS);
        for (int w = 0; w < 50; w++) {
            send(aggregate("a", w, 100.0));
        }
        for (int w = 0; w < 3; w++) {
            send(aggregate("b", w, 100.0));
        }

        assertThat(harness.numEventTimeTimers()).isEqualTo(2);

        harness.processWatermark(minute(6));

        assertThat(harness.extractOutputValues()).extracting(e -> e.seriesKey).containsExactly("b");
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);
    }

    @Test
    void theEndOfBoundedInputIsNotMissingData() throws Exception {
        open(List.of(THRESHOLD), SETTINGS);
        for (int w = 0; w < 5; w++) {
            send(aggregate("a", w, 100.0));
        }

        harness.processWatermark(Long.MAX_VALUE);

        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void aSilentSeriesIsRetiredWithItsAnomaliesResolvedAndAllStateDropped() throws Exception {
        open(List.of(THRESHOLD, EWMA), SETTINGS);
        for (int w = 0; w < 10; w++) {
            send(aggregate("a", w, w == 9 ? 200.0 : 100.0));
        }
        harness.processWatermark(minute(13));
        assertThat(harness.numKeyedStateEntries()).isGreaterThan(0);
        harness.getOutput().clear();

        harness.processWatermark(minute(20));

        assertThat(harness.extractOutputValues())
                .extracting(
                        e -> e.kind, e -> e.detector, e -> e.openedWindowStart, e -> e.windowStart, e -> e.windowEnd)
                .containsExactly(
                        tuple(Kind.RESOLVED, "threshold", minute(9), minute(10), minute(20)),
                        tuple(Kind.RESOLVED, "ewma", minute(9), minute(10), minute(20)),
                        tuple(Kind.RESOLVED, "missingdata", minute(10), minute(10), minute(20)));
        assertThat(harness.extractOutputValues()).allSatisfy(e -> {
            assertThat(e.observed).isEqualTo(10.0);
            assertThat(e.message).contains("retired");
        });
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void withMissingDataOffASilentSeriesIsDroppedQuietly() throws Exception {
        open(List.of(THRESHOLD, EWMA), new DetectionSettings(ObservedField.MEAN, SEVERITY, LIFECYCLE, 0, 5));
        for (int w = 0; w < 3; w++) {
            send(aggregate("a", w, 100.0));
        }
        assertThat(harness.numKeyedStateEntries()).isEqualTo(3);

        harness.processWatermark(minute(8) - 2);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(3);
        harness.processWatermark(minute(8) - 1);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aRetiredSeriesThatReturnsStartsAfresh() throws Exception {
        open(List.of(EWMA), new DetectionSettings(ObservedField.MEAN, SEVERITY, LIFECYCLE, 0, 5));
        for (int w = 0; w < 10; w++) {
            send(aggregate("a", w, 100.0));
        }
        harness.processWatermark(minute(15));
        harness.getSideOutput(DetectionFunction.SCORES).clear();

        send(aggregate("a", 3, 5000.0));

        assertThat(scores())
                .singleElement()
                .isEqualTo(new DetectorScore("a", "ewma", minute(3), minute(4), 5000.0, Assessment.WARMING_UP));
    }

    @Test
    void aNonFiniteValueIsSkippedByDetectorsButCountsAsData() throws Exception {
        open(List.of(THRESHOLD), SETTINGS);
        send(aggregate("a", 0, 100.0));
        send(aggregate("a", 1, Double.NaN));
        send(aggregate("a", 2, Double.POSITIVE_INFINITY));

        harness.processWatermark(minute(6) - 2);
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.processWatermark(minute(6) - 1);

        assertThat(scores()).extracting(s -> s.windowStart).containsExactly(minute(0));
        assertThat(harness.extractOutputValues())
                .singleElement()
                .satisfies(e -> assertThat(e.openedWindowStart).isEqualTo(minute(3)));
    }

    @Test
    void survivesJavaSerializationLikeWhenTheJobIsSubmitted() throws Exception {
        DetectionFunction function =
                new DetectionFunction(List.of(THRESHOLD, EWMA, new MadDetector(30, 10, ZScoring.DEFAULT)), SETTINGS);

        assertThat(InstantiationUtil.clone(function)).isNotNull().isNotSameAs(function);
    }

    @Test
    void rejectsDetectorNamesThatWouldShareState() {
        assertThatThrownBy(() -> new DetectionFunction(List.of(THRESHOLD, THRESHOLD), SETTINGS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threshold");
        assertThatThrownBy(() -> new DetectionFunction(List.of(named("missingdata")), SETTINGS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missingdata");
        assertThatThrownBy(() -> new DetectionFunction(List.of(named("has space")), SETTINGS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("letters and digits");
    }

    private void open(List<? extends Detector<?>> detectors, DetectionSettings settings) throws Exception {
        InterceptingTaskMetricGroup taskMetrics = new InterceptingTaskMetricGroup() {
            @Override
            public InternalOperatorMetricGroup getOrAddOperator(
                    OperatorID id, String name, Map<String, String> variables) {
                return metrics;
            }
        };
        environment = new MockEnvironmentBuilder().setMetricGroup(taskMetrics).build();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DetectionFunction(detectors, settings)),
                a -> a.seriesKey,
                Types.STRING,
                environment);
        harness.open();
    }

    /** Emitted the way a window operator does: timestamped with the window's last millisecond. */
    private void send(WindowAggregate aggregate) throws Exception {
        harness.processElement(aggregate, aggregate.windowEnd - 1);
    }

    private List<DetectorScore> scores() {
        return harness.getSideOutput(DetectionFunction.SCORES).stream()
                .map(StreamRecord::getValue)
                .toList();
    }

    private Counter counter(String name) {
        return (Counter) metrics.get(name);
    }

    private static long minute(int n) {
        return T0 + n * MINUTE;
    }

    /** A one-minute window whose every statistic is {@code value}. */
    private static WindowAggregate aggregate(String key, int window, double value) {
        WindowAggregate a = new WindowAggregate();
        a.seriesKey = key;
        a.windowStart = minute(window);
        a.windowEnd = minute(window + 1);
        a.count = 1;
        a.sum = a.min = a.max = a.mean = a.p50 = a.p95 = a.p99 = value;
        a.firstEventTime = a.lastEventTime = a.windowStart;
        a.revision = 1;
        return a;
    }

    private static Detector<ThresholdState> named(String name) {
        return new Detector<>() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public TypeInformation<ThresholdState> stateType() {
                return THRESHOLD.stateType();
            }

            @Override
            public ThresholdState newState() {
                return THRESHOLD.newState();
            }

            @Override
            public Assessment assess(ThresholdState state, long timestamp, double value) {
                return THRESHOLD.assess(state, timestamp, value);
            }
        };
    }
}
