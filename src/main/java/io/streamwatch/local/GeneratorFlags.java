package io.streamwatch.local;

import io.streamwatch.local.Options.Flag;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/** The traffic flags {@code demo} and {@code generate} share, and the generator they describe. */
final class GeneratorFlags {
    static final Flag[] FLAGS = {
            new Flag("duration", "DURATION", null, "stop after this long, e.g. 60s or 5min; without it, run until Ctrl-C"),
            new Flag("series", "N", "50", "synthetic series"),
            new Flag("rate", "N", "500", "synthetic points per second, before duplicates, late and malformed records"),
            new Flag("speed", "X", "60", "event time runs X times faster than the wall clock until it catches up"),
            new Flag("partitions", "N", "3", "partitions of the topic; with 2 or more the last one goes idle"),
            new Flag("idle-after-windows", "N", "15", "windows after which the last partition gets nothing more (0 = never)"),
            new Flag("duplicates", "P", "0.01", "share of points sent twice"),
            new Flag("late", "P", "0.002", "share of points also sent 5 windows late, beyond the allowed lateness"),
            new Flag("malformed", "P", "0.002", "share of points followed by a malformed record"),
            new Flag("warmup-windows", "N", "25", "windows before the first injected anomaly (detectors learn a baseline)"),
            new Flag("anomaly-every", "N", "4", "windows between injected anomalies: spike, level shift, dropout, drift in turn (0 = none)"),
            new Flag("replay", "PATH", null, "also replay NAB-format CSV files (timestamp,value): a file or a folder"),
            new Flag("labels", "FILE", null, "NAB windows JSON for the replayed files, e.g. ../shared/nab/labels/combined_windows.json"),
            new Flag("seed", "N", "1", "random seed: the same seed sends the same traffic"),
    };

    private GeneratorFlags() {}

    static Flag[] with(Flag... own) {
        return Stream.concat(Stream.of(own), Stream.of(FLAGS)).toArray(Flag[]::new);
    }

    /** How much event time the run replays faster than real time: the whole run, or an hour when unbounded. */
    static Duration backfill(Options.Parsed p) {
        Duration duration = p.duration("duration");
        double speed = speed(p);
        return duration == null ? Duration.ofHours(1) : Duration.ofMillis((long) (duration.toMillis() * speed));
    }

    static double speed(Options.Parsed p) {
        return p.number("speed", 0.001, 100_000);
    }

    /**
     * Reads and checks every traffic flag, so that a bad one fails before anything starts.
     *
     * @param window the job's window size
     * @param allowedLateness the job's allowed lateness: late points are older than a window past it
     */
    static Generator.Settings settings(Options.Parsed p, Duration window, Duration allowedLateness) {
        p.duration("duration");
        return new Generator.Settings(
                p.integer("series", 1), p.number("rate", 0.001, 1_000_000), speed(p), p.integer("partitions", 1),
                p.integer("seed", 0),
                p.number("duplicates", 0, 1), p.number("late", 0, 1), p.number("malformed", 0, 1),
                window.toMillis(), p.integer("warmup-windows", 0), p.integer("anomaly-every", 0),
                p.integer("idle-after-windows", 0), allowedLateness.plus(window.multipliedBy(4)).toMillis());
    }

    /** The generator, its event time starting at the clock's; recorded series loaded from --replay. */
    static Generator generator(Options.Parsed p, Generator.Settings settings, List<Generator.Recorded> recorded,
                               TrafficLoop.EventClock clock) {
        Duration duration = p.duration("duration");
        long end = duration == null ? Long.MAX_VALUE : clock.at(clock.wallStart() + duration.toMillis());
        return new Generator(settings, clock.eventStart(), end, recorded);
    }

    static List<Generator.Recorded> recorded(Options.Parsed p) {
        return p.has("replay") ? Replay.load(p.path("replay"), p.path("labels")) : List.of();
    }
}
