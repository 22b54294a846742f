package io.streamwatch.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one measured run is told, passed to its JVM as {@code key=value} arguments: the engine, the
 * topic and what it holds, the database, and a folder of its own.
 *
 * @param engine what runs: {@link Engine}
 * @param records records in the topic, the clock records included
 * @param unique what the window rows must add up to once everything was written
 * @param malformed dead letters expected
 * @param live read on until told to stop (the latency mode), instead of to the end of the topic
 * @param flinkSettings for the job: Flink settings as a cluster's config.yaml would give them
 */
record RunSpec(
        Engine engine,
        String bootstrapServers,
        String topic,
        int partitions,
        long records,
        long unique,
        long malformed,
        String jdbcUrl,
        String workDir,
        boolean live,
        Map<String, String> flinkSettings) {

    /** The engines, by the name the table and the closing line use. */
    enum Engine {
        RAW("raw"),
        ROCKSDB("rocksdb"),
        HEAP("heap"),
        KAFKA_STREAMS("kafka-streams");

        final String label;

        Engine(String label) {
            this.label = label;
        }

        static Engine of(String label) {
            for (Engine e : values()) if (e.label.equals(label)) return e;
            throw new IllegalArgumentException("unknown run '" + label + "'; known: raw, rocksdb, heap, kafka-streams");
        }

        boolean isJob() {
            return this == ROCKSDB || this == HEAP;
        }
    }

    List<String> toArgs() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("engine", engine.label);
        m.put("bootstrap", bootstrapServers);
        m.put("topic", topic);
        m.put("partitions", String.valueOf(partitions));
        m.put("records", String.valueOf(records));
        m.put("unique", String.valueOf(unique));
        m.put("malformed", String.valueOf(malformed));
        m.put("jdbc", jdbcUrl);
        m.put("work", workDir);
        m.put("live", String.valueOf(live));
        flinkSettings.forEach((k, v) -> m.put(FLINK + k, v));
        List<String> args = new ArrayList<>();
        m.forEach((k, v) -> args.add(k + "=" + v));
        return args;
    }

    private static final String FLINK = "flink.";

    static RunSpec fromArgs(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        Map<String, String> flink = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            String key = a.substring(0, eq);
            if (key.startsWith(FLINK)) flink.put(key.substring(FLINK.length()), a.substring(eq + 1));
            else m.put(key, a.substring(eq + 1));
        }
        return new RunSpec(
                Engine.of(m.get("engine")),
                m.get("bootstrap"),
                m.get("topic"),
                Integer.parseInt(m.get("partitions")),
                Long.parseLong(m.get("records")),
                Long.parseLong(m.get("unique")),
                Long.parseLong(m.get("malformed")),
                m.get("jdbc"),
                m.get("work"),
                Boolean.parseBoolean(m.get("live")),
                flink);
    }
}
