package io.streamwatch.bench;

import io.streamwatch.aggregate.SeriesAccumulator;
import io.streamwatch.aggregate.SeriesAccumulatorTypeInfo;
import io.streamwatch.aggregate.SeriesAggregateFunction;
import io.streamwatch.aggregate.WindowResultFunction;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.model.DeadLetter;
import io.streamwatch.model.Event;
import io.streamwatch.model.Ingested;
import io.streamwatch.model.WindowAggregate;
import io.streamwatch.serde.EventParser;
import io.streamwatch.sink.JdbcSettings;
import io.streamwatch.sink.SinkStatements;
import io.streamwatch.testkit.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The job's core in Kafka Streams, as one would write it there, for a fair comparison: the same
 * parser (dead letters for what it refuses), the same dedupe (by id within the series, remembered
 * for {@code dedupe.retention} of event time), the same tumbling-window statistics (the job's own
 * accumulator, DDSketch included), written by the same upserts, with {@code exactly_once_v2} and
 * RocksDB stores. Not the anomaly detection, the lateness measure nor the ingest ledger, which the
 * job does on top.
 *
 * <p>How an expert writes it: the records are keyed by series, so everything runs in one
 * sub-topology per partition with no repartition topic ({@code processValues} keeps the key).
 * Dedupe is a windowed store keyed by series and id: expired ids leave with whole segments, as in
 * Confluent's dedupe recipe. The windows emit once, final, when event time passes their end plus
 * the grace (out-of-orderness plus allowed lateness, what the job keeps a window for), through
 * {@code suppress(untilWindowCloses)}, so that each window is upserted once, as the job's on-time
 * firing does when nothing is late. The record cache is 64 MB and the commit interval 1 s (the
 * default 100 ms under exactly-once trades throughput for latency).
 */
final class KafkaStreamsTwin {
    static final String DEDUPE_STORE = "event-id-dedupe";
    static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);
    static final long CACHE_BYTES = 64L * 1024 * 1024;

    private KafkaStreamsTwin() {}

    static Map<String, Object> run(RunSpec spec) throws Exception {
        StreamwatchConfig config = StreamwatchConfig.defaults(Map.of());
        JdbcSettings jdbc = JdbcSettings.of(spec.jdbcUrl(), EmbeddedPostgresServer.USER, "");
        String applicationId = "streamwatch-bench-twin-" + spec.topic();
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, JobRun.PARALLELISM);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL.toMillis());
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, CACHE_BYTES);
        p.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE);
        p.put(
                StreamsConfig.STATE_DIR_CONFIG,
                Files.createDirectories(Path.of(spec.workDir(), "kafka-streams"))
                        .toString());
        Topology topology = topology(spec.topic(), config, jdbc);

        AtomicReference<Throwable> failure = new AtomicReference<>();
        BenchRun.Clock clock = new BenchRun.Clock();
        clock.start();
        try (KafkaStreams streams = new KafkaStreams(topology, p)) {
            streams.setUncaughtExceptionHandler(e -> {
                failure.compareAndSet(null, e);
                return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                        .SHUTDOWN_CLIENT;
            });
            streams.start();
            BenchRun.awaitEnd(spec, false, () -> {
                if (failure.get() != null) throw new IllegalStateException("Kafka Streams failed", failure.get());
            });
            clock.stop();
            streams.close(Duration.ofMinutes(1));
        }
        Map<String, Object> figures = clock.figures();
        figures.put("changelogBytes", changelogBytes(spec.bootstrapServers(), applicationId));
        return figures;
    }

    static Topology topology(String topic, StreamwatchConfig config, JdbcSettings jdbc) {
        Duration retention = config.dedupe().retention();
        Duration size = config.aggregation().size();
        Duration grace = config.watermarks()
                .maxOutOfOrderness()
                .plus(config.aggregation().allowedLateness());
        SeriesAggregateFunction statistics =
                new SeriesAggregateFunction(config.aggregation().quantileRelativeAccuracy());

        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(DEDUPE_STORE, retention, retention, false),
                Serdes.String(),
                Serdes.Long()));
        Map<String, KStream<String, Ingested>> parsed = builder.stream(
                        topic, Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .processValues(() -> new Parse(new EventParser(config.contract())), Named.as("parse"))
                .split(Named.as("records-"))
                .branch((k, v) -> v.isValid(), Branched.as("valid"))
                .defaultBranch(Branched.as("invalid"));

        parsed.get("records-invalid")
                .mapValues(i -> i.deadLetter, Named.as("dead-letter"))
                .processValues(
                        () -> new Upserts<String, DeadLetter>(jdbc, SinkStatements.DEAD_LETTERS),
                        Named.as("dead-letters-sink"));

        parsed.get("records-valid")
                .processValues(() -> new Dedupe(retention.toMillis()), Named.as("dedupe"), DEDUPE_STORE)
                .groupByKey()
                .windowedBy(TimeWindows.ofSizeAndGrace(size, grace))
                .aggregate(
                        statistics::createAccumulator,
                        (series, event, acc) -> statistics.add(event, acc),
                        Named.as("window-statistics"),
                        Materialized.<String, SeriesAccumulator, WindowStore<Bytes, byte[]>>as("window-statistics")
                                .withKeySerde(Serdes.String())
                                .withValueSerde(new AccumulatorSerde()))
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded())
                        .withName("final-windows"))
                .toStream(Named.as("closed-windows"))
                .mapValues(KafkaStreamsTwin::row, Named.as("window-row"))
                .processValues(
                        () -> new Upserts<Windowed<String>, WindowAggregate>(jdbc, SinkStatements.WINDOW_AGGREGATES),
                        Named.as("window-aggregates-sink"));
        return builder.build();
    }

    private static WindowAggregate row(Windowed<String> window, SeriesAccumulator acc) {
        return WindowResultFunction.toAggregate(
                window.key(),
                new TimeWindow(window.window().start(), window.window().end()),
                acc,
                1);
    }

    /** Bytes to the job's {@link Ingested} with the record's coordinates; a valid event's timestamp becomes its event time. */
    static final class Parse implements FixedKeyProcessor<String, byte[], Ingested> {
        private final EventParser parser;
        private FixedKeyProcessorContext<String, Ingested> context;

        Parse(EventParser parser) {
            this.parser = parser;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, Ingested> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, byte[]> record) {
            RecordMetadata where = context.recordMetadata().orElseThrow();
            Ingested in = parser.parse(
                    where.topic(),
                    where.partition(),
                    where.offset(),
                    record.timestamp(),
                    record.value(),
                    System.currentTimeMillis());
            FixedKeyRecord<String, Ingested> out = record.withValue(in);
            context.forward(in.isValid() ? out.withTimestamp(in.event.eventTime) : out);
        }
    }

    /** Forwards an event unless its id was seen in its series within the retention. */
    static final class Dedupe implements FixedKeyProcessor<String, Ingested, Event> {
        private final long retentionMillis;
        private FixedKeyProcessorContext<String, Event> context;
        private WindowStore<String, Long> seen;

        Dedupe(long retentionMillis) {
            this.retentionMillis = retentionMillis;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, Event> context) {
            this.context = context;
            this.seen = context.getStateStore(DEDUPE_STORE);
        }

        @Override
        public void process(FixedKeyRecord<String, Ingested> record) {
            Event e = record.value().event;
            String id = e.seriesKey + '\u0000' + e.eventId;
            try (WindowStoreIterator<Long> earlier =
                    seen.fetch(id, e.eventTime - retentionMillis, e.eventTime + retentionMillis)) {
                if (earlier.hasNext()) return;
            }
            seen.put(id, e.eventTime, e.eventTime);
            context.forward(record.withValue(e));
        }
    }

    /**
     * Writes rows with a sink statement of the job, in batches as the job's sinks do (500 rows, or
     * after 200 ms). The statements are idempotent upserts, so the rows a failure makes Kafka
     * Streams process again are harmless, as in the job.
     */
    static final class Upserts<K, T> implements FixedKeyProcessor<K, T, Void> {
        private final JdbcSettings jdbc;
        private final SinkStatements.SinkStatement<T> statement;
        private final List<T> batch = new ArrayList<>();
        private Connection connection;
        private PreparedStatement prepared;

        Upserts(JdbcSettings jdbc, SinkStatements.SinkStatement<T> statement) {
            this.jdbc = jdbc;
            this.statement = statement;
        }

        @Override
        public void init(FixedKeyProcessorContext<K, Void> context) {
            try {
                connection = DriverManager.getConnection(jdbc.url(), jdbc.user(), jdbc.password());
                prepared = connection.prepareStatement(statement.sql());
            } catch (SQLException e) {
                throw new IllegalStateException("cannot reach PostgreSQL", e);
            }
            context.schedule(
                    Duration.ofMillis(jdbc.batchIntervalMs()), PunctuationType.WALL_CLOCK_TIME, now -> flush());
        }

        @Override
        public void process(FixedKeyRecord<K, T> record) {
            batch.add(record.value());
            if (batch.size() >= jdbc.batchSize()) flush();
        }

        private void flush() {
            if (batch.isEmpty()) return;
            try {
                for (T row : batch) {
                    statement.binder().accept(prepared, row);
                    prepared.addBatch();
                }
                prepared.executeBatch();
            } catch (SQLException e) {
                throw new IllegalStateException("writing " + statement.table().name() + " failed", e);
            }
            batch.clear();
        }

        @Override
        public void close() {
            try {
                flush();
                connection.close();
            } catch (SQLException e) {
                throw new IllegalStateException("closing the connection failed", e);
            }
        }
    }

    /** The job's own binary format of the accumulator (its Flink serializer) as a Kafka serde. */
    static final class AccumulatorSerde implements Serde<SeriesAccumulator> {
        private final TypeSerializer<SeriesAccumulator> format = new SeriesAccumulatorTypeInfo().createSerializer(null);

        @Override
        public Serializer<SeriesAccumulator> serializer() {
            return (topic, acc) -> {
                if (acc == null) return null;
                DataOutputSerializer out = new DataOutputSerializer(256);
                try {
                    format.serialize(acc, out);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return out.getCopyOfBuffer();
            };
        }

        @Override
        public Deserializer<SeriesAccumulator> deserializer() {
            return (topic, bytes) -> {
                if (bytes == null) return null;
                try {
                    return format.deserialize(new DataInputDeserializer(bytes));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
        }
    }

    /** What the changelog topics (Kafka Streams' counterpart of checkpoints) hold on the broker. */
    private static long changelogBytes(String bootstrapServers, String applicationId) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            List<Integer> brokers = admin.describeCluster().nodes().get(1, TimeUnit.MINUTES).stream()
                    .map(Node::id)
                    .toList();
            long bytes = 0;
            for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers)
                    .allDescriptions()
                    .get(1, TimeUnit.MINUTES)
                    .values()) {
                for (LogDirDescription dir : dirs.values()) {
                    for (Map.Entry<org.apache.kafka.common.TopicPartition, ReplicaInfo> r :
                            dir.replicaInfos().entrySet()) {
                        String t = r.getKey().topic();
                        if (t.startsWith(applicationId) && t.endsWith("-changelog"))
                            bytes += r.getValue().size();
                    }
                }
            }
            return bytes;
        }
    }
}
