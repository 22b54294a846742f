package io.streamwatch.local;

import io.streamwatch.local.Options.Flag;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code ./streamwatch generate}: the demo's synthetic traffic into any Kafka, its ground truth to a file. */
final class Generate {
    static final Options OPTIONS = new Options("generate", "[flags]",
            "Produces the demo's synthetic events (with duplicates, late and malformed records, an idle partition\n"
                    + "and injected anomalies) into a Kafka topic, creating it if needed.",
            false, GeneratorFlags.with(
                    new Flag("bootstrap-servers", "HOST:PORT", "localhost:9092", "the Kafka to produce to"),
                    new Flag("topic", "NAME", "events", "the topic"),
                    new Flag("window", "DURATION", "1min", "the job's window size: anomalies start on its boundaries"),
                    new Flag("allowed-lateness", "DURATION", "1min", "the job's allowed lateness: late points are older"),
                    new Flag("truth", "FILE", null, "write the injected anomalies (ground truth) here as CSV at the end")));

    private Generate() {}

    static void run(Options.Parsed p, Console console, StopSignal stop) throws Exception {
        Generator.Settings settings = GeneratorFlags.settings(p, p.duration("window"), p.duration("allowed-lateness"));
        List<Generator.Recorded> recorded = GeneratorFlags.recorded(p);
        try (KafkaTraffic traffic = KafkaTraffic.open(p.string("bootstrap-servers"), p.string("topic"), settings.partitions())) {
            TrafficLoop.EventClock clock = TrafficLoop.EventClock.startingBehind(GeneratorFlags.backfill(p), settings.speed());
            Generator generator = GeneratorFlags.generator(p, settings, recorded, clock);
            console.println("Producing to " + p.string("topic") + " at " + p.string("bootstrap-servers") + " (Ctrl-C stops)");
            TrafficLoop.run(generator, traffic, clock, p.duration("duration"), stop, () -> console.status(String.format(
                    "%ds  sent %,d  acknowledged %,d", Duration.ofMillis(System.currentTimeMillis() - clock.wallStart()).toSeconds(),
                    generator.totals().produced(), traffic.acknowledged())));
            traffic.flush();
            console.endStatus();
            Generator.Totals t = generator.totals();
            console.println(String.format("Sent %,d records: %,d points, %,d duplicates, %,d late, %,d malformed; %,d injected anomalies",
                    t.produced(), t.points(), t.duplicates(), t.late(), t.malformed(), generator.injections().size()));
            if (p.has("truth")) {
                Path truth = p.path("truth");
                Files.writeString(truth, generator.truthCsv());
                console.println("Ground truth: " + truth.toAbsolutePath());
            }
        }
    }
}
