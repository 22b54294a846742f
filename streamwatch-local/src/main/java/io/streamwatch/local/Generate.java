package io.streamwatch.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./streamwatch generate}: the demo's synthetic traffic into any Kafka, its ground truth to a file. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Produces the demo's synthetic events (with duplicates, late and malformed records, an idle partition and injected anomalies) into a Kafka topic, creating it if needed.")
final class Generate implements Callable<Integer> {
    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT",
            defaultValue = "localhost:9092",
            description = "the Kafka to produce to (default: ${DEFAULT-VALUE})")
    String bootstrapServers;

    @Option(
            names = "--topic",
            paramLabel = "NAME",
            defaultValue = "events",
            description = "the topic (default: ${DEFAULT-VALUE})")
    String topic;

    @Option(
            names = "--window",
            paramLabel = "DURATION",
            defaultValue = "1min",
            description = "the job's window size: anomalies start on its boundaries (default: ${DEFAULT-VALUE})")
    Duration window;

    @Option(
            names = "--allowed-lateness",
            paramLabel = "DURATION",
            defaultValue = "1min",
            description = "the job's allowed lateness: late points are older (default: ${DEFAULT-VALUE})")
    Duration allowedLateness;

    @Option(
            names = "--truth",
            paramLabel = "FILE",
            description = "write the injected anomalies (ground truth) here as CSV at the end")
    Path truth;

    @Mixin
    TrafficOptions traffic;

    @Override
    public Integer call() throws Exception {
        Generator.Settings settings = traffic.settings(window, allowedLateness);
        List<Generator.Recorded> recorded = traffic.recorded();
        Console console = Console.system();
        StopSignal stop = StopSignal.install(console);
        try (KafkaTraffic out = KafkaTraffic.open(bootstrapServers, topic, settings.partitions())) {
            TrafficLoop.EventClock clock = TrafficLoop.EventClock.startingBehind(traffic.backfill(), settings.speed());
            Generator generator = traffic.generator(settings, recorded, clock);
            console.println("Producing to " + topic + " at " + bootstrapServers + " (Ctrl-C stops)");
            TrafficLoop.run(
                    generator,
                    out,
                    clock,
                    traffic.duration,
                    stop,
                    () -> console.status(String.format(
                            "%ds  sent %,d  acknowledged %,d",
                            Duration.ofMillis(System.currentTimeMillis() - clock.wallStart())
                                    .toSeconds(),
                            generator.totals().produced(),
                            out.acknowledged())));
            out.flush();
            console.endStatus();
            Generator.Totals t = generator.totals();
            console.println(String.format(
                    "Sent %,d records: %,d points, %,d duplicates, %,d late, %,d malformed; %,d injected anomalies",
                    t.produced(),
                    t.points(),
                    t.duplicates(),
                    t.late(),
                    t.malformed(),
                    generator.injections().size()));
            if (truth != null) {
                Files.writeString(truth, generator.truthCsv());
                console.println("Ground truth: " + truth.toAbsolutePath());
            }
        }
        return 0;
    }
}
