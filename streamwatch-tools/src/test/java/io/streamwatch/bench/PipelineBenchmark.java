package io.streamwatch.bench;

import io.streamwatch.JobEnvironment;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.model.Ingested;
import io.streamwatch.pipeline.PipelineEnds;
import io.streamwatch.pipeline.StreamwatchPipeline;
import io.streamwatch.serde.ContractSettings;
import io.streamwatch.serde.EventParser;
import io.streamwatch.testkit.FlinkCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Throughput figures, printed, not asserted: {@code mvn verify -Pbenchmark}. Results and the
 * machine they came from are recorded in docs/benchmarks.md.
 */
class PipelineBenchmark {
    private static final int SERIES = 1_000;
    private static final long PIPELINE_RECORDS = Long.getLong("bench.records", 2_000_000L);
    private static final int PARSE_RECORDS = 200_000;
    private static final long T0 = Instant.parse("2024-05-01T00:00:00Z").toEpochMilli();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.extension();

    @TempDir
    Path checkpoints;

    /**
     * Record i: series i mod 1000, one event per millisecond of event time overall (so each series
     * reports once a second and a one-minute window holds 60 events), about 1 % repeated ids and
     * 0.5 % malformed records, as JSON bytes the way Kafka would hand them over.
     */
    static byte[] record(long i) {
        if (i % 200 == 7) return "{\"event_id\":".getBytes(StandardCharsets.UTF_8);
        long id = i % 100 == 3 ? i - 1 : i;
        // concatenation, not String.format: the generator should cost little next to what it measures
        return ("{\"event_id\":\"e-" + id + "\",\"series_key\":\"host-" + id % SERIES + ".cpu\",\"event_time\":"
                        + (T0 + id) + ",\"value\":" + (50 + (id * 7919 % 4000) / 100.0)
                        + ",\"source\":\"agent\",\"unit\":\"percent\",\"attributes\":{\"dc\":\"eu-1\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void contractParsing() {
        EventParser parser = new EventParser(ContractSettings.defaults());
        byte[][] records = new byte[PARSE_RECORDS][];
        for (int i = 0; i < PARSE_RECORDS; i++) records[i] = record(i);
        long now = System.currentTimeMillis();
        long best = Long.MAX_VALUE;
        int valid = 0;
        for (int round = 0; round < 7; round++) {
            long start = System.nanoTime();
            valid = 0;
            for (int i = 0; i < PARSE_RECORDS; i++) {
                if (parser.parse("events", 0, i, now, records[i], now).isValid()) valid++;
            }
            best = Math.min(best, System.nanoTime() - start);
        }
        double nsPerRecord = (double) best / PARSE_RECORDS;
        report(
                "contract parsing (one thread, best of 7 rounds of %,d records, %,d valid)%n"
                        + "  %,.0f ns/record = %,.0f records/s",
                PARSE_RECORDS, valid, nsPerRecord, 1e9 / nsPerRecord);
    }

    @Test
    void wholePipeline() throws Exception {
        StreamwatchConfig config = StreamwatchConfig.defaults(
                Map.of("checkpointing.dir", checkpoints.toUri().toString(), "checkpointing.interval", "10s"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironment.configure(env, config);
        if (System.getProperty("bench.backend") != null) {
            env.configure(new org.apache.flink.configuration.Configuration()
                    .set(
                            org.apache.flink.configuration.StateBackendOptions.STATE_BACKEND,
                            System.getProperty("bench.backend")));
        }
        env.setParallelism(2);
        StreamwatchPipeline.define(
                env,
                new DataGeneratorSource<>(
                        new ParseLikeKafka(config.contract()), PIPELINE_RECORDS, TypeInformation.of(Ingested.class)),
                config,
                PipelineEnds.discarding());

        long start = System.nanoTime();
        env.execute("benchmark");
        double seconds = (System.nanoTime() - start) / 1e9;
        report(
                "whole pipeline (MiniCluster, parallelism 2, %s state, exactly-once checkpoints every 10 s,"
                        + " %,d series, tumbling 1 min windows, detectors %s, discarding sinks)%n"
                        + "  %,d records in %.1f s (job start included) = %,.0f records/s",
                System.getProperty("bench.backend", "RocksDB"),
                SERIES,
                config.detection().detectors().stream().map(d -> d.name()).toList(),
                PIPELINE_RECORDS,
                seconds,
                PIPELINE_RECORDS / seconds);
    }

    /** What the Kafka deserializer does with each record, here fed from a number sequence. */
    static final class ParseLikeKafka implements GeneratorFunction<Long, Ingested> {
        private final EventParser parser;

        ParseLikeKafka(ContractSettings contract) {
            this.parser = new EventParser(contract);
        }

        @Override
        public Ingested map(Long i) {
            long now = System.currentTimeMillis();
            return parser.parse("events", (int) (i % 2), i, now, record(i), now);
        }
    }

    private static void report(String format, Object... args) {
        System.out.printf(
                "%nBENCHMARK %s (%d cores, Java %s)%n" + format + "%n%n",
                prepend(
                        PipelineBenchmark.class.getSimpleName(),
                        Runtime.getRuntime().availableProcessors(),
                        System.getProperty("java.version"),
                        args));
    }

    private static Object[] prepend(Object a, Object b, Object c, Object[] rest) {
        Object[] all = new Object[rest.length + 3];
        all[0] = a;
        all[1] = b;
        all[2] = c;
        System.arraycopy(rest, 0, all, 3, rest.length);
        return all;
    }
}
