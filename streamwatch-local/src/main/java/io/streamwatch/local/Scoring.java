package io.streamwatch.local;

import io.streamwatch.local.Generator.Injection;
import io.streamwatch.local.Generator.Kind;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Injected anomalies against detected ones. A detection matches an injection on the same series
 * whose window range it opened in, from one window before the start to three after the end
 * (detectors need a window or two; a level shift may open again when the level returns).
 * Injections not yet judgeable when the run stopped are left out, and so are detections that match
 * only them: neither a miss nor a false alarm can be known yet.
 *
 * <p>An injection no detection matches is <em>hidden</em> when an anomaly was already open on its
 * series before it started, and the injection kept it open: a detector opens one anomaly per series
 * at a time, so an injection into a series that is already alarming (after a false alarm, say) opens
 * nothing new. "Kept open" is read from when the anomaly resolved: it takes {@code resolveAfter}
 * normal windows in a row, so a resolution at least that many windows after the injection's last
 * window means that window, or a later one, still scored abnormal. Dropouts send no values, so a
 * value detector's open anomaly cannot hide them (the missing-data detector reports them).
 */
public final class Scoring {
    /**
     * One anomaly the job wrote: a row of the anomalies table.
     *
     * @param resolvedWindowStart the window that resolved it, or null while it is open
     */
    public record Detection(String seriesKey, String detector, long openedWindowStart, Long resolvedWindowStart) {}

    /**
     * Per kind: judged injections, how many of them at least one detection matched, and how many of
     * the others an anomaly open before them hid.
     */
    public record KindScore(Kind kind, int injected, int found, int hidden, int pending) {
        public double recall() {
            return injected == 0 ? Double.NaN : (double) found / injected;
        }
    }

    /** Per detector: detections and how many matched an injection. */
    public record DetectorScore(String detector, int detections, int matched) {
        public double precision() {
            return detections == 0 ? Double.NaN : (double) matched / detections;
        }
    }

    public record Result(List<KindScore> kinds, List<DetectorScore> detectors, List<Detection> falseAlarms) {
        public int detections() {
            return detectors.stream().mapToInt(DetectorScore::detections).sum();
        }

        public int matched() {
            return detectors.stream().mapToInt(DetectorScore::matched).sum();
        }

        public double precision() {
            return detections() == 0 ? Double.NaN : (double) matched() / detections();
        }

        public KindScore kind(Kind kind) {
            return kinds.stream().filter(k -> k.kind() == kind).findFirst().orElse(new KindScore(kind, 0, 0, 0, 0));
        }
    }

    private Scoring() {}

    /**
     * @param clock the generator's event time when it stopped
     * @param resolveAfter normal windows in a row that resolve an anomaly (detection.resolve-after)
     */
    public static Result score(
            List<Injection> injections, List<Detection> detections, long clock, long windowMillis, int resolveAfter) {
        List<Injection> started =
                injections.stream().filter(i -> i.start() <= clock).toList();
        Map<Kind, int[]> byKind = new EnumMap<>(Kind.class); // injected, found, hidden, pending
        for (Injection i : started) {
            int[] k = byKind.computeIfAbsent(i.kind(), x -> new int[4]);
            if (i.judgeableAt() > clock) {
                k[3]++;
                continue;
            }
            k[0]++;
            if (detections.stream().anyMatch(d -> matches(d, i, windowMillis))) k[1]++;
            else if (detections.stream().anyMatch(d -> hides(d, i, windowMillis, resolveAfter))) k[2]++;
        }
        Map<String, int[]> byDetector = new TreeMap<>(); // detections, matched
        List<Detection> falseAlarms = new ArrayList<>();
        for (Detection d : detections) {
            List<Injection> hits =
                    started.stream().filter(i -> matches(d, i, windowMillis)).toList();
            if (!hits.isEmpty() && hits.stream().allMatch(i -> i.judgeableAt() > clock)) continue;
            int[] s = byDetector.computeIfAbsent(d.detector(), x -> new int[2]);
            s[0]++;
            if (hits.isEmpty()) falseAlarms.add(d);
            else s[1]++;
        }
        List<KindScore> kinds = new ArrayList<>();
        byKind.forEach((kind, k) -> kinds.add(new KindScore(kind, k[0], k[1], k[2], k[3])));
        List<DetectorScore> detectors = new ArrayList<>();
        byDetector.forEach((name, s) -> detectors.add(new DetectorScore(name, s[0], s[1])));
        return new Result(kinds, detectors, falseAlarms);
    }

    /** Opened before the injection's match range and resolved no sooner than its last window could allow. */
    static boolean hides(Detection d, Injection i, long windowMillis, int resolveAfter) {
        return i.kind().sendsValues()
                && d.seriesKey().equals(i.seriesKey())
                && d.openedWindowStart() < i.start() - windowMillis
                && (d.resolvedWindowStart() == null
                        || d.resolvedWindowStart() >= i.end() + (resolveAfter - 1) * windowMillis);
    }

    static boolean matches(Detection d, Injection i, long windowMillis) {
        return d.seriesKey().equals(i.seriesKey())
                && d.openedWindowStart() >= i.start() - windowMillis
                && d.openedWindowStart() <= Math.max(i.end(), i.start() + windowMillis) + 3 * windowMillis;
    }
}
