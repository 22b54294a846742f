package io.streamwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.local.Generator.Injection;
import io.streamwatch.local.Generator.Kind;
import io.streamwatch.local.Scoring.Detection;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScoringTest {
    private static final long W = 60_000;

    private static Injection injection(Kind kind, String series, int fromWindow, int windows) {
        return new Injection(
                kind, series, fromWindow * W, (fromWindow + windows) * W, (fromWindow + kind.judgeAfterWindows) * W);
    }

    private static Detection detection(String series, String detector, int window) {
        return new Detection(series, detector, window * W, (window + 3) * W);
    }

    private static Detection open(String series, String detector, int fromWindow, Integer resolvedInWindow) {
        return new Detection(series, detector, fromWindow * W, resolvedInWindow == null ? null : resolvedInWindow * W);
    }

    @Test
    void aDetectionMatchesFromOneWindowBeforeToThreeAfterTheEnd() {
        Injection shift = injection(Kind.LEVEL_SHIFT, "a", 30, 10);
        assertThat(Scoring.matches(detection("a", "ewma", 29), shift, W)).isTrue();
        assertThat(Scoring.matches(detection("a", "ewma", 43), shift, W)).isTrue();
        assertThat(Scoring.matches(detection("a", "ewma", 28), shift, W)).isFalse();
        assertThat(Scoring.matches(detection("a", "ewma", 44), shift, W)).isFalse();
        assertThat(Scoring.matches(detection("b", "ewma", 30), shift, W)).isFalse();
    }

    @Test
    void recallPerKindPrecisionPerDetectorAndPendingInjectionsLeftOut() {
        List<Injection> injections = List.of(
                injection(Kind.SPIKE, "a", 30, 1),
                injection(Kind.SPIKE, "b", 34, 1),
                injection(Kind.DROPOUT, "c", 38, 8),
                injection(Kind.DRIFT, "d", 50, 15)); // judgeable at 68: after the clock
        List<Detection> detections = List.of(
                detection("a", "ewma", 30),
                detection("a", "mad", 30),
                detection("c", "missingdata", 38),
                detection("d", "ewma", 55), // matches only the pending drift: not counted
                detection("e", "mad", 40)); // a false alarm

        Scoring.Result r = Scoring.score(injections, detections, 60 * W, W, 3);

        assertThat(r.kind(Kind.SPIKE)).isEqualTo(new Scoring.KindScore(Kind.SPIKE, 2, 1, 0, 0));
        assertThat(r.kind(Kind.DROPOUT).recall()).isEqualTo(1.0);
        assertThat(r.kind(Kind.DRIFT)).isEqualTo(new Scoring.KindScore(Kind.DRIFT, 0, 0, 0, 1));
        assertThat(r.detectors())
                .containsExactly(
                        new Scoring.DetectorScore("ewma", 1, 1),
                        new Scoring.DetectorScore("mad", 2, 1),
                        new Scoring.DetectorScore("missingdata", 1, 1));
        assertThat(r.precision()).isEqualTo(0.75);
        assertThat(r.falseAlarms()).containsExactly(detection("e", "mad", 40));
    }

    @Test
    void anInjectionIntoASeriesAlreadyAlarmingIsHiddenWhenItKeptTheAnomalyOpen() {
        Injection spike = injection(Kind.SPIKE, "a", 30, 1); // window 30
        // resolving takes 3 normal windows: windows 31, 32, 33 at the earliest if window 30 scored abnormal
        assertThat(Scoring.hides(open("a", "ensemble", 27, 33), spike, W, 3)).isTrue();
        assertThat(Scoring.hides(open("a", "ensemble", 27, null), spike, W, 3))
                .as("still open")
                .isTrue();
        assertThat(Scoring.hides(open("a", "ensemble", 27, 32), spike, W, 3))
                .as("resolved by windows 30, 31, 32: the spike scored normal")
                .isFalse();
        assertThat(Scoring.hides(open("b", "ensemble", 27, 40), spike, W, 3)).isFalse();
        assertThat(Scoring.hides(open("a", "ensemble", 29, 40), spike, W, 3))
                .as("opened in its match range: a match, not a hiding anomaly")
                .isFalse();
        Injection dropout = injection(Kind.DROPOUT, "a", 30, 8);
        assertThat(Scoring.hides(open("a", "ensemble", 27, null), dropout, W, 3))
                .as("a dropout sends no values to keep a value detector's anomaly open")
                .isFalse();

        Scoring.Result r = Scoring.score(
                List.of(spike, injection(Kind.SPIKE, "c", 40, 1)),
                List.of(open("a", "ensemble", 27, 34), detection("d", "ensemble", 20)),
                60 * W,
                W,
                3);
        assertThat(r.kind(Kind.SPIKE))
                .as("one hidden, one missed: neither is found")
                .isEqualTo(new Scoring.KindScore(Kind.SPIKE, 2, 0, 1, 0));
    }
}
