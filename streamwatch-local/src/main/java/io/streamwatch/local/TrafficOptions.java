package io.streamwatch.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** The traffic flags {@code demo} and {@code generate} share, and the generator they describe. */
final class TrafficOptions {
    @Option(
            names = "--duration",
            paramLabel = "DURATION",
            description = "stop after this long, e.g. 60s or 5min; without it, run until Ctrl-C")
    Duration duration;

    @Option(
            names = "--series",
            paramLabel = "N",
            defaultValue = "50",
            description = "synthetic series (default: ${DEFAULT-VALUE})")
    int series;

    @Option(
            names = "--rate",
            paramLabel = "N",
            defaultValue = "500",
            description =
                    "synthetic points per second, before duplicates, late and malformed records (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(
            names = "--speed",
            paramLabel = "X",
            defaultValue = "60",
            description =
                    "event time runs X times faster than the wall clock until it catches up (default: ${DEFAULT-VALUE})")
    double speed;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            defaultValue = "3",
            description = "partitions of the topic; with 2 or more the last one goes idle (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(
            names = "--idle-after-windows",
            paramLabel = "N",
            defaultValue = "15",
            description =
                    "windows after which the last partition gets nothing more, 0 = never (default: ${DEFAULT-VALUE})")
    int idleAfterWindows;

    @Option(
            names = "--duplicates",
            paramLabel = "P",
            defaultValue = "0.01",
            description = "share of points sent twice (default: ${DEFAULT-VALUE})")
    double duplicates;

    @Option(
            names = "--late",
            paramLabel = "P",
            defaultValue = "0.002",
            description =
                    "share of points also sent 5 windows late, beyond the allowed lateness (default: ${DEFAULT-VALUE})")
    double late;

    @Option(
            names = "--malformed",
            paramLabel = "P",
            defaultValue = "0.002",
            description = "share of points followed by a malformed record (default: ${DEFAULT-VALUE})")
    double malformed;

    @Option(
            names = "--warmup-windows",
            paramLabel = "N",
            defaultValue = "25",
            description =
                    "windows before the first injected anomaly, while detectors learn a baseline (default: ${DEFAULT-VALUE})")
    int warmupWindows;

    @Option(
            names = "--anomaly-every",
            paramLabel = "N",
            defaultValue = "4",
            description =
                    "windows between injected anomalies: spike, level shift, dropout, drift in turn; 0 = none (default: ${DEFAULT-VALUE})")
    int anomalyEvery;

    @Option(
            names = "--replay",
            paramLabel = "PATH",
            description = "also replay NAB-format CSV files (timestamp,value): a file or a folder")
    Path replay;

    @Option(
            names = "--labels",
            paramLabel = "FILE",
            description = "NAB windows JSON for the replayed files, e.g. ../shared/nab/labels/combined_windows.json")
    Path labels;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "1",
            description = "random seed: the same seed sends the same traffic (default: ${DEFAULT-VALUE})")
    int seed;

    /** How much event time the run replays faster than real time: the whole run, or an hour when unbounded. */
    Duration backfill() {
        return duration == null ? Duration.ofHours(1) : Duration.ofMillis((long) (duration.toMillis() * speed));
    }

    /**
     * Checks every traffic flag, so that a bad one fails before anything starts.
     *
     * @param window the job's window size
     * @param allowedLateness the job's allowed lateness: late points are older than a window past it
     */
    Generator.Settings settings(Duration window, Duration allowedLateness) {
        atLeast("series", series, 1);
        within("rate", rate, 0.001, 1_000_000);
        within("speed", speed, 0.001, 100_000);
        atLeast("partitions", partitions, 1);
        atLeast("seed", seed, 0);
        within("duplicates", duplicates, 0, 1);
        within("late", late, 0, 1);
        within("malformed", malformed, 0, 1);
        atLeast("warmup-windows", warmupWindows, 0);
        atLeast("anomaly-every", anomalyEvery, 0);
        atLeast("idle-after-windows", idleAfterWindows, 0);
        return new Generator.Settings(
                series,
                rate,
                speed,
                partitions,
                seed,
                duplicates,
                late,
                malformed,
                window.toMillis(),
                warmupWindows,
                anomalyEvery,
                idleAfterWindows,
                allowedLateness.plus(window.multipliedBy(4)).toMillis());
    }

    /** The generator, its event time starting at the clock's; recorded series loaded from --replay. */
    Generator generator(Generator.Settings settings, List<Generator.Recorded> recorded, TrafficLoop.EventClock clock) {
        long end = duration == null ? Long.MAX_VALUE : clock.at(clock.wallStart() + duration.toMillis());
        return new Generator(settings, clock.eventStart(), end, recorded);
    }

    List<Generator.Recorded> recorded() {
        return replay != null ? Replay.load(replay, labels) : List.of();
    }

    static void atLeast(String flag, int value, int min) {
        if (value < min)
            throw new LauncherException("--" + flag + " " + value + " is not a whole number of at least " + min);
    }

    private static void within(String flag, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new LauncherException("--" + flag + " " + value + " is not a number from " + min + " to " + max);
        }
    }
}
