package io.streamwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamwatch.HostileRecords.Generated;
import io.streamwatch.HostileRecords.Valid;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.model.DeadLetter;
import io.streamwatch.testkit.FlinkCluster;
import io.streamwatch.testkit.JobRestarts;
import io.streamwatch.testkit.KafkaExtension;
import io.streamwatch.testkit.PostgresExtension;
import io.streamwatch.testkit.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the whole job, production wiring, on the real broker and PostgreSQL with records from
 * {@link HostileRecords}: extreme but valid values and text, exact duplicates across partitions, and
 * records that each break the contract in one way. The job must never fail, and every record must
 * be accounted for exactly once, in the ingest ledger and in the tables: refused ones with their
 * code and their bytes, valid ones stored exactly as sent.
 *
 * <p>The seed is random per run and printed; {@code -Dhostile.seed=N} repeats a run.
 */
class HostileInputITCase {
    private static final int RECORDS = 12_000;
    private static final int PARTITIONS = 3;
    private static final long WINDOW = 60_000;

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.extension();

    @TempDir
    Path checkpoints;

    @Test
    void noRecordStopsTheJobAndEveryRecordIsAccountedForOnce() throws Exception {
        long seed = Long.getLong("hostile.seed", System.nanoTime());
        System.out.println("HostileInputITCase seed: " + seed + " (repeat with -Dhostile.seed=" + seed + ")");
        List<Generated> records = new HostileRecords(seed, PARTITIONS, System.currentTimeMillis()).generate(RECORDS);

        String topic = KAFKA.createTopic("hostile", PARTITIONS);
        List<ProducerRecord<byte[], byte[]>> sends = new ArrayList<>();
        long arrival = HostileRecords.T0;
        for (Generated g : records) {
            sends.add(new ProducerRecord<>(topic, g.partition(), arrival, null, g.payload()));
            arrival += 10; // arrival minutes for the ledger: 100 records a second
        }
        List<Long> offsets = KAFKA.produceAll(sends);

        TestDatabase db = POSTGRES.createDatabase("hostile");
        StreamwatchConfig config = config(topic, db);
        JobClient job = BoundedProductionJob.start(config, OffsetsInitializer.latest());
        job.getJobExecutionResult().get();

        JobRestarts.assertNone(FLINK, job.getJobID());

        // the ledger: every record read once, each valid, invalid or quarantined
        Map<String, Object> ledger = db.query("SELECT sum(records_read) AS read, sum(valid) AS valid,"
                        + " sum(invalid) AS invalid, sum(quarantined) AS quarantined, sum(duplicates) AS duplicates,"
                        + " sum(late_dropped) AS late_dropped, min(first_offset) AS first, count(*) AS rows"
                        + " FROM ingest_ledger")
                .get(0);
        long expectedInvalid = records.stream().filter(g -> !g.isValid()).count();
        assertThat(((Number) ledger.get("read")).longValue()).isEqualTo(RECORDS);
        assertThat(((Number) ledger.get("invalid")).longValue()).isEqualTo(expectedInvalid);
        assertThat(((Number) ledger.get("quarantined")).longValue())
                .as("no stage failed on any record")
                .isZero();
        assertThat(((Number) ledger.get("valid")).longValue()).isEqualTo(RECORDS - expectedInvalid);

        // every refused record: its code, its bytes, where it was read
        Map<String, DeadLetter.ErrorCode> expectedCodes = new HashMap<>();
        Map<String, byte[]> expectedBytes = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            Generated g = records.get(i);
            if (g.isValid()) continue;
            String at = g.partition() + "@" + offsets.get(i);
            expectedCodes.put(at, g.expectedCode());
            expectedBytes.put(at, g.payload() == null ? new byte[0] : g.payload());
        }
        Map<String, DeadLetter.ErrorCode> storedCodes = new HashMap<>();
        for (Map<String, Object> row :
                db.query("SELECT partition, kafka_offset, error_code, payload, stage FROM dead_letters")) {
            String at = row.get("partition") + "@" + row.get("kafka_offset");
            storedCodes.put(at, DeadLetter.ErrorCode.valueOf((String) row.get("error_code")));
            assertThat(row.get("stage")).isEqualTo(DeadLetter.CONTRACT_STAGE);
            assertThat((byte[]) row.get("payload")).as(at).isEqualTo(expectedBytes.get(at));
        }
        assertThat(storedCodes).isEqualTo(expectedCodes);

        // every valid record: aggregated, late or a duplicate, exactly once, and stored as sent
        Map<String, Valid> unique = new HashMap<>();
        long duplicates = 0;
        for (Generated g : records) {
            if (!g.isValid()) continue;
            if (g.valid().duplicate()) duplicates++;
            else unique.put(g.valid().seriesKey() + '\u0000' + g.valid().eventId(), g.valid());
        }
        assertThat(((Number) ledger.get("duplicates")).longValue()).isEqualTo(duplicates);
        Set<String> late = new HashSet<>();
        for (Map<String, Object> row : db.query("SELECT series_key, event_id FROM late_events")) {
            String key = row.get("series_key") + "\u0000" + row.get("event_id");
            assertThat(unique)
                    .as("a late event we sent, with its key unchanged")
                    .containsKey(key);
            assertThat(late.add(key)).as("late once").isTrue();
        }
        assertThat(((Number) ledger.get("late_dropped")).longValue()).isEqualTo(late.size());

        Map<String, Window> expected = new TreeMap<>();
        for (Map.Entry<String, Valid> e : unique.entrySet()) {
            if (late.contains(e.getKey())) continue;
            Valid v = e.getValue();
            long start = Math.floorDiv(v.eventTime(), WINDOW) * WINDOW;
            expected.computeIfAbsent(v.seriesKey() + '\u0000' + start, k -> new Window())
                    .add(v.value());
        }
        Map<String, Map<String, Object>> stored = new TreeMap<>();
        for (Map<String, Object> row : db.query("SELECT series_key, extract(epoch from window_start) * 1000 AS start,"
                + " count, sum, min, max FROM window_aggregates")) {
            long start = ((Number) row.get("start")).longValue();
            stored.put(row.get("series_key") + "\u0000" + start, row);
        }
        assertThat(stored.keySet())
                .as("windows per series, keys stored exactly")
                .isEqualTo(expected.keySet());
        for (Map.Entry<String, Window> e : expected.entrySet()) {
            Map<String, Object> row = stored.get(e.getKey());
            Window w = e.getValue();
            assertThat(((Number) row.get("count")).longValue()).as(e.getKey()).isEqualTo(w.count);
            assertThat(Double.compare((Double) row.get("min"), w.min))
                    .as("min " + e.getKey())
                    .isZero();
            assertThat(Double.compare((Double) row.get("max"), w.max))
                    .as("max " + e.getKey())
                    .isZero();
            // the order of additions differs between runs: compare sums to the rounding they allow
            assertThat((Double) row.get("sum")).isCloseTo(w.sum, within(w.sumOfMagnitudes * 1e-12));
        }
        System.out.printf(
                "HostileInputITCase: %d records (%d valid, %d duplicates, %d late dropped, %d invalid in %d codes),"
                        + " %d windows, 0 restarts%n",
                RECORDS,
                RECORDS - expectedInvalid,
                duplicates,
                late.size(),
                expectedInvalid,
                new HashSet<>(expectedCodes.values()).size(),
                stored.size());
        printCodes(expectedCodes);
    }

    private static void printCodes(Map<String, DeadLetter.ErrorCode> codes) {
        Map<DeadLetter.ErrorCode, Integer> byCode = new EnumMap<>(DeadLetter.ErrorCode.class);
        codes.values().forEach(c -> byCode.merge(c, 1, Integer::sum));
        System.out.println("HostileInputITCase dead letters by code: " + byCode);
    }

    private StreamwatchConfig config(String topic, TestDatabase db) {
        Map<String, String> overrides =
                BoundedProductionJob.connection(KAFKA.bootstrapServers(), topic, db, checkpoints);
        overrides.put("contract.max-record-bytes", String.valueOf(HostileRecords.MAX_RECORD_BYTES));
        overrides.put("aggregation.size", "1min");
        overrides.put("aggregation.allowed-lateness", "1min");
        // ids never expire, so a duplicate is one whatever the watermark did meanwhile
        overrides.put("dedupe.retention", "36500d");
        overrides.put("watermarks.idleness", "0s");
        Map<String, Object> tree = Map.of(
                "detection",
                Map.of(
                        "detectors",
                        List.of(Map.of("type", "threshold", "upper", HostileRecords.LARGE_VALUE_ALERT, "margin", 1))));
        return StreamwatchConfig.load(tree, overrides, BoundedProductionJob.environment(db));
    }

    /** What a window must hold, computed from what was sent. */
    private static final class Window {
        long count;
        double sum;
        double sumOfMagnitudes;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;

        void add(double v) {
            count++;
            sum += v;
            sumOfMagnitudes += Math.abs(v);
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
    }
}
