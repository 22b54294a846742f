package io.streamwatch.local;

import java.util.Locale;

/**
 * The live status line, from the job's metrics: input rate, watermark lag, windows, anomalies, dead
 * letters; and how the job is, with its restarts and the root cause of its last failure if it had any.
 */
final class Status {
    private final LocalMetrics.Board metrics;
    private final Generator generator;
    private final long wallStart;
    private long lastIn;
    private long lastAt;

    /** @param generator whose event clock the watermark is measured against; null to measure against the wall clock */
    Status(LocalMetrics.Board metrics, Generator generator, long wallStart) {
        this.metrics = metrics;
        this.generator = generator;
        this.wallStart = wallStart;
        this.lastAt = wallStart;
    }

    String line(JobHealth job) {
        long now = System.currentTimeMillis();
        long in = metrics.count("recordsIn");
        double rate = now > lastAt ? (in - lastIn) * 1000.0 / (now - lastAt) : 0;
        lastIn = in;
        lastAt = now;
        // the gauge is the wall clock's lead over the slowest subtask's watermark (-1 before the first event)
        long wallLag = metrics.maxGauge("watermarkLagMs", -1);
        String lag;
        long reference = generator == null ? now : generator.clock();
        // before the data's first watermark the gauge measures from the epoch, not from an event
        if (wallLag < 0 || (generator != null && now - wallLag < generator.start())) {
            lag = "-";
        } else {
            lag = String.format(Locale.ROOT, "%.1fs", Math.max(0, reference - (now - wallLag)) / 1000.0);
        }
        long elapsed = (now - wallStart) / 1000;
        return String.format(
                Locale.ROOT,
                "%d:%02d  in %,.0f ev/s  watermark lag %s  windows %,d  anomalies open %,d  dead letters %,d  %s",
                elapsed / 60,
                elapsed % 60,
                rate,
                lag,
                metrics.count("windowsEmitted"),
                metrics.count("anomaliesOpened") - metrics.count("anomaliesResolved"),
                metrics.count("recordsInvalid"),
                job.line());
    }
}
