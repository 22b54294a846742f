package io.streamwatch.detect;

import io.streamwatch.model.AnomalyEvent;
import io.streamwatch.model.DeadLetter;
import io.streamwatch.model.SideOutputs;
import io.streamwatch.model.WindowAggregate;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Runs every detector on the window aggregates of one series (keyed by series key) and turns their
 * scores into anomalies that open and resolve, see {@link AnomalyLifecycle}. Also watches for
 * silence, see {@link DetectionSettings} for the missing-data and retirement rules.
 *
 * <p>Each window is seen once, in window order: an aggregate ending at or before the last processed
 * window end (a late re-firing, or out of order) is dropped. Windows arrive complete, {@code
 * windowCompletionDelay} (the allowed lateness) after their end; a silence is reported once the last
 * silent window would have arrived, and a window that comes after a silence reports it first if its
 * timer has not fired yet, so the anomalies do not depend on whether the watermark or the window
 * got here first. An aggregate whose observed value is not
 * finite still counts as data for the silence rules but is not shown to the detectors.
 *
 * <p>State per series: {@link SeriesState}, one state object per detector, a {@link LifecycleState}
 * per detector only while it has an anomaly open, and at most one event-time timer. All of it is
 * dropped when the series is retired.
 *
 * <p>Side output {@link #SCORES}: one {@link DetectorScore} per aggregate and detector, warm-up
 * included. Metrics: counters {@code anomaliesOpened} and {@code anomaliesResolved}.
 */
public class DetectionFunction extends KeyedProcessFunction<String, WindowAggregate, AnomalyEvent> {
    public static final String STAGE = "detect-anomalies";

    /** Detector name of missing-data anomalies. */
    public static final String MISSING_DATA = "missingdata";

    public static final OutputTag<DetectorScore> SCORES =
            new OutputTag<>("detector-scores", TypeInformation.of(DetectorScore.class));

    private static final Pattern DETECTOR_NAME = Pattern.compile("[A-Za-z0-9]+");
    /** Missing-data verdicts: the observed value is a number of silent windows, and 0 are expected. */
    private static final Assessment SILENT = new Assessment(1.0, 0.0, 0.0);

    private static final Assessment NOT_SILENT = new Assessment(0.0, 0.0, 0.0);

    private final List<Detector<?>> detectors;
    private final DetectionSettings settings;
    private final long windowCompletionDelayMillis;

    private transient ValueState<SeriesState> seriesState;
    private transient ValueState<LifecycleState> missingDataState;
    private transient List<Slot<?>> slots;
    private transient Counter anomaliesOpened;
    private transient Counter anomaliesResolved;
    private transient Counter quarantined;

    /**
     * @param detectors value detectors with distinct names (letters and digits, not "missingdata")
     * @param settings what to observe and when anomalies open, resolve and series retire
     */
    public DetectionFunction(List<? extends Detector<?>> detectors, DetectionSettings settings) {
        this(detectors, settings, 0);
    }

    /**
     * @param windowCompletionDelayMillis how long after its end a window arrives: the allowed lateness
     */
    public DetectionFunction(
            List<? extends Detector<?>> detectors, DetectionSettings settings, long windowCompletionDelayMillis) {
        if (detectors == null) {
            throw new IllegalArgumentException("detectors must not be null");
        }
        if (settings == null) {
            throw new IllegalArgumentException("settings must not be null");
        }
        Set<String> names = new HashSet<>();
        for (Detector<?> detector : detectors) {
            String name = detector.name();
            if (name == null || !DETECTOR_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("detectors: name must be letters and digits, was " + name);
            }
            if (name.equals(MISSING_DATA) || !names.add(name)) {
                throw new IllegalArgumentException("detectors: name " + name + " is taken");
            }
        }
        this.detectors = List.copyOf(detectors);
        this.settings = settings;
        this.windowCompletionDelayMillis = windowCompletionDelayMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        RuntimeContext context = getRuntimeContext();
        seriesState = context.getState(new ValueStateDescriptor<>("series", TypeInformation.of(SeriesState.class)));
        missingDataState = context.getState(lifecycleDescriptor(MISSING_DATA));
        slots = new ArrayList<>(detectors.size());
        for (Detector<?> detector : detectors) {
            slots.add(Slot.of(detector, context, settings.lifecycleFor(detector.name())));
        }
        anomaliesOpened = context.getMetricGroup().counter("anomaliesOpened");
        anomaliesResolved = context.getMetricGroup().counter("anomaliesResolved");
        quarantined = context.getMetricGroup().counter(SideOutputs.QUARANTINED_METRIC);
    }

    @Override
    public void processElement(WindowAggregate aggregate, Context ctx, Collector<AnomalyEvent> out) throws Exception {
        SeriesState series = seriesState.value();
        if (series == null) {
            series = new SeriesState();
        }
        long windowLength = aggregate.windowEnd - aggregate.windowStart;
        if (windowLength <= 0 || aggregate.windowEnd <= series.lastWindowEnd) {
            return;
        }
        String key = ctx.getCurrentKey();
        while (series.pendingTimer != SeriesState.NO_TIMER
                && series.pendingTimer <= aggregate.windowStart - 1 + windowCompletionDelayMillis) {
            // the silence before this window is due, and the watermark has not reported it yet
            ctx.timerService().deleteEventTimeTimer(series.pendingTimer);
            if (!onSilence(key, series, ctx.timerService(), out)) {
                series = new SeriesState();
            }
        }
        resolveMissingData(key, aggregate, series, out);
        double observed = settings.field().of(aggregate);
        if (Double.isFinite(observed)) {
            for (Slot<?> slot : slots) {
                try {
                    detect(slot, key, aggregate, observed, ctx, out);
                } catch (RuntimeException e) {
                    // one detector failing on one window must not stop the others, nor the job
                    SideOutputs.rethrowIfInfrastructure(e);
                    quarantined.inc();
                    String item =
                            key + '/' + aggregate.windowStart + '/' + aggregate.windowEnd + '/' + slot.detector.name();
                    ctx.output(
                            SideOutputs.QUARANTINE,
                            DeadLetter.failedResult(
                                    STAGE,
                                    "window_aggregates",
                                    item,
                                    aggregate,
                                    DeadLetter.ErrorCode.PROCESSING_ERROR,
                                    e));
                }
            }
        }
        series.lastWindowEnd = aggregate.windowEnd;
        series.windowLength = windowLength;
        int missingAfter = settings.missingAfterWindows();
        schedule(ctx.timerService(), series, missingAfter > 0 ? missingAfter : settings.retireAfterWindows());
        seriesState.update(series);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AnomalyEvent> out) throws Exception {
        // a watermark of Long.MAX_VALUE means the (bounded) input ended, not that a series went silent
        if (ctx.timerService().currentWatermark() == Long.MAX_VALUE) {
            return;
        }
        SeriesState series = seriesState.value();
        if (series == null || series.pendingTimer != timestamp) {
            // not the timer this series waits for (e.g. one restored from an older job version)
            return;
        }
        onSilence(ctx.getCurrentKey(), series, ctx.timerService(), out);
    }

    /**
     * Reports the silence the series' timer waits for: opens a missing-data anomaly, or retires the series.
     *
     * @return false when the series was retired and its state dropped
     */
    private boolean onSilence(String key, SeriesState series, TimerService timers, Collector<AnomalyEvent> out)
            throws IOException {
        series.pendingTimer = SeriesState.NO_TIMER;
        if (settings.missingAfterWindows() > 0 && missingDataState.value() == null) {
            openMissingData(key, series, silenceEnd(series, settings.missingAfterWindows()), out);
            schedule(timers, series, settings.retireAfterWindows());
            seriesState.update(series);
            return true;
        }
        retire(key, series, silenceEnd(series, settings.retireAfterWindows()), out);
        return false;
    }

    private static long silenceEnd(SeriesState series, int silentWindows) {
        return series.lastWindowEnd + silentWindows * series.windowLength;
    }

    private <S> void detect(
            Slot<S> slot,
            String key,
            WindowAggregate aggregate,
            double observed,
            Context ctx,
            Collector<AnomalyEvent> out)
            throws IOException {
        Assessment assessment = slot.assess(aggregate.windowEnd, observed);
        String name = slot.detector.name();
        ctx.output(
                SCORES, new DetectorScore(key, name, aggregate.windowStart, aggregate.windowEnd, observed, assessment));

        LifecycleState lifecycle = slot.lifecycle.value();
        if (lifecycle == null) {
            lifecycle = new LifecycleState();
        }
        // read before observe(): resolving resets them
        long openedWindowStart = lifecycle.openedWindowStart;
        double openedScore = lifecycle.openedScore;
        switch (slot.rules.observe(lifecycle, aggregate.windowStart, assessment.score())) {
            case OPENED ->
                emit(
                        out,
                        anomaly(
                                AnomalyEvent.Kind.OPENED,
                                key,
                                name,
                                aggregate.windowStart,
                                aggregate.windowStart,
                                aggregate.windowEnd,
                                assessment,
                                assessment.score(),
                                observed,
                                openedMessage(name, observed, assessment)));
            case RESOLVED ->
                emit(
                        out,
                        anomaly(
                                AnomalyEvent.Kind.RESOLVED,
                                key,
                                name,
                                openedWindowStart,
                                aggregate.windowStart,
                                aggregate.windowEnd,
                                assessment,
                                openedScore,
                                observed,
                                String.format(
                                        Locale.ROOT,
                                        "%s %s, normal again for %d windows; expected [%s, %s]",
                                        fieldName(),
                                        number(observed),
                                        slot.rules.resolveAfter(),
                                        number(assessment.expectedLow()),
                                        number(assessment.expectedHigh()))));
            case NONE -> {}
        }
        // only an open anomaly needs remembering: keeps state small for the many healthy series
        if (lifecycle.open) {
            slot.lifecycle.update(lifecycle);
        } else {
            slot.lifecycle.clear();
        }
    }

    /** "novelty: mean 412 outside expected [3, 97]; shape 1.4 times as novel as the recent record". */
    private String openedMessage(String detector, double observed, Assessment assessment) {
        String text = String.format(
                Locale.ROOT,
                "%s: %s %s outside expected [%s, %s]",
                detector,
                fieldName(),
                number(observed),
                number(assessment.expectedLow()),
                number(assessment.expectedHigh()));
        return assessment.detail().isEmpty() ? text : text + "; " + assessment.detail();
    }

    private void openMissingData(String key, SeriesState series, long timestamp, Collector<AnomalyEvent> out)
            throws IOException {
        LifecycleState missing = new LifecycleState();
        AnomalyLifecycle.open(missing, series.lastWindowEnd, SILENT.score());
        missingDataState.update(missing);
        int silent = settings.missingAfterWindows();
        emit(
                out,
                anomaly(
                        AnomalyEvent.Kind.OPENED,
                        key,
                        MISSING_DATA,
                        series.lastWindowEnd,
                        series.lastWindowEnd,
                        timestamp,
                        SILENT,
                        SILENT.score(),
                        silent,
                        "no data for " + silent + " windows since " + Instant.ofEpochMilli(series.lastWindowEnd)));
    }

    private void resolveMissingData(
            String key, WindowAggregate aggregate, SeriesState series, Collector<AnomalyEvent> out) throws IOException {
        LifecycleState missing = missingDataState.value();
        if (missing == null) {
            return;
        }
        double silent = (double) (aggregate.windowStart - series.lastWindowEnd) / series.windowLength;
        emit(
                out,
                anomaly(
                        AnomalyEvent.Kind.RESOLVED,
                        key,
                        MISSING_DATA,
                        missing.openedWindowStart,
                        aggregate.windowStart,
                        aggregate.windowEnd,
                        NOT_SILENT,
                        missing.openedScore,
                        silent,
                        "data again after " + number(silent) + " windows without data"));
        missingDataState.clear();
    }

    /**
     * Resolves whatever is still open on a series silent for {@code retireAfterWindows} and drops all
     * its state. Those RESOLVED events describe the silence: observed is the number of silent windows.
     */
    private void retire(String key, SeriesState series, long timestamp, Collector<AnomalyEvent> out)
            throws IOException {
        int silent = settings.retireAfterWindows();
        String message = "no data for " + silent + " windows: series retired, anomaly closed without recovery";
        for (Slot<?> slot : slots) {
            LifecycleState lifecycle = slot.lifecycle.value();
            if (lifecycle != null) {
                emit(
                        out,
                        anomaly(
                                AnomalyEvent.Kind.RESOLVED,
                                key,
                                slot.detector.name(),
                                lifecycle.openedWindowStart,
                                series.lastWindowEnd,
                                timestamp,
                                NOT_SILENT,
                                lifecycle.openedScore,
                                silent,
                                message));
            }
            slot.state.clear();
            slot.lifecycle.clear();
        }
        LifecycleState missing = missingDataState.value();
        if (missing != null) {
            emit(
                    out,
                    anomaly(
                            AnomalyEvent.Kind.RESOLVED,
                            key,
                            MISSING_DATA,
                            missing.openedWindowStart,
                            series.lastWindowEnd,
                            timestamp,
                            NOT_SILENT,
                            missing.openedScore,
                            silent,
                            message));
        }
        missingDataState.clear();
        seriesState.clear();
    }

    /** Replaces the series' timer, so that there is never more than one per key. */
    private void schedule(TimerService timers, SeriesState series, int silentWindows) {
        if (series.pendingTimer != SeriesState.NO_TIMER) {
            timers.deleteEventTimeTimer(series.pendingTimer);
        }
        // when the last of the silent windows would have arrived
        series.pendingTimer = silenceEnd(series, silentWindows) - 1 + windowCompletionDelayMillis;
        timers.registerEventTimeTimer(series.pendingTimer);
    }

    /**
     * @param severityScore the score the severity is taken from: the opening score, also when
     *     resolving, so a resolution is routed like the anomaly it ends
     */
    private AnomalyEvent anomaly(
            AnomalyEvent.Kind kind,
            String key,
            String detector,
            long openedWindowStart,
            long windowStart,
            long windowEnd,
            Assessment assessment,
            double severityScore,
            double observed,
            String message) {
        AnomalyEvent event = new AnomalyEvent();
        event.kind = kind;
        event.seriesKey = key;
        event.detector = detector;
        event.openedWindowStart = openedWindowStart;
        event.windowStart = windowStart;
        event.windowEnd = windowEnd;
        event.score = assessment.score();
        event.severity = settings.severity().severityOf(severityScore);
        event.observed = observed;
        event.expectedLow = assessment.expectedLow();
        event.expectedHigh = assessment.expectedHigh();
        event.message = message;
        return event;
    }

    private void emit(Collector<AnomalyEvent> out, AnomalyEvent event) {
        (event.kind == AnomalyEvent.Kind.OPENED ? anomaliesOpened : anomaliesResolved).inc();
        out.collect(event);
    }

    private String fieldName() {
        return settings.field().name().toLowerCase(Locale.ROOT);
    }

    /** Four significant digits: enough to compare with the expected range in a one-line message. */
    private static String number(double value) {
        if (Double.isInfinite(value)) {
            return value > 0 ? "+inf" : "-inf";
        }
        return new BigDecimal(value)
                .round(new MathContext(4))
                .stripTrailingZeros()
                .toPlainString();
    }

    private static ValueStateDescriptor<LifecycleState> lifecycleDescriptor(String detectorName) {
        return new ValueStateDescriptor<>("lifecycle-" + detectorName, TypeInformation.of(LifecycleState.class));
    }

    /** A detector with the state handles that hold its per-series state. */
    private static final class Slot<S> {
        final Detector<S> detector;
        final ValueState<S> state;
        final ValueState<LifecycleState> lifecycle;
        final AnomalyLifecycle rules;

        private Slot(Detector<S> detector, RuntimeContext context, AnomalyLifecycle rules) {
            this.detector = detector;
            this.rules = rules;
            this.state =
                    context.getState(new ValueStateDescriptor<>("detector-" + detector.name(), detector.stateType()));
            this.lifecycle = context.getState(lifecycleDescriptor(detector.name()));
        }

        static <S> Slot<S> of(Detector<S> detector, RuntimeContext context, AnomalyLifecycle rules) {
            return new Slot<>(detector, context, rules);
        }

        Assessment assess(long timestamp, double value) throws IOException {
            S current = state.value();
            if (current == null) {
                current = detector.newState();
            }
            Assessment assessment = detector.assess(current, timestamp, value);
            state.update(current);
            return assessment;
        }
    }
}
