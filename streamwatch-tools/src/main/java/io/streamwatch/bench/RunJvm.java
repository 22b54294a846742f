package io.streamwatch.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Starts a {@link BenchRun} in a JVM of its own and follows what it says: reads the other
 * processes' CPU time (the broker's, in this JVM, and PostgreSQL's) when its clock starts and
 * stops, and collects its figures.
 */
final class RunJvm {
    /** Each engine's heap; Flink's managed memory (RocksDB) and network buffers are outside it. */
    static final String HEAP = "-Xmx2g";

    private static final String ROCKSDB_OF_KAFKA_STREAMS = "kafka-streams-rocksdb.classpath";

    private RunJvm() {}

    /** What the command reads of the other processes, at the run's start and end. */
    record Meters(LongSupplier broker, LongSupplier database) {}

    /** A run's figures: its own, and the broker's and PostgreSQL's CPU time over its clock. */
    record Outcome(Map<String, String> figures, long brokerCpuNanos, long databaseCpuNanos) {
        long get(String key) {
            String v = figures.get(key);
            return v == null ? -1 : (long) Double.parseDouble(v);
        }

        boolean has(String key) {
            return figures.containsKey(key);
        }
    }

    /** A running measured JVM. */
    static final class Handle implements AutoCloseable {
        private final Process process;
        private final Path log;
        private final Meters meters;
        private final BufferedReader out;
        private final Deque<String> lastLines = new ArrayDeque<>();
        private long brokerAtStart;
        private long databaseAtStart;
        private long brokerCpu = -1;
        private long databaseCpu = -1;

        private Handle(Process process, Path log, Meters meters) {
            this.process = process;
            this.log = log;
            this.meters = meters;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        /** Reads what the run says until it says {@code awaited} (then returns null), or its result. */
        private Map<String, String> follow(String awaited) throws IOException {
            String line;
            while ((line = out.readLine()) != null) {
                if (!line.startsWith(BenchRun.LINE_PREFIX)) {
                    remember(line);
                    continue;
                }
                String said = line.substring(BenchRun.LINE_PREFIX.length());
                if (said.equals("started")) {
                    brokerAtStart = meters.broker().getAsLong();
                    databaseAtStart = meters.database().getAsLong();
                } else if (said.equals("ended")) {
                    brokerCpu = meters.broker().getAsLong() - brokerAtStart;
                    long database = meters.database().getAsLong();
                    databaseCpu = database < 0 || databaseAtStart < 0 ? -1 : database - databaseAtStart;
                } else if (said.startsWith("result ")) {
                    return parse(said.substring("result ".length()));
                }
                if (said.equals(awaited)) return null;
            }
            throw failed();
        }

        /** Returns once the run said {@code running} (the latency mode). */
        void awaitRunning() throws IOException {
            follow("running");
        }

        /** Tells a live run to stop. */
        void requestStop() throws IOException {
            OutputStream in = process.getOutputStream();
            in.write('\n');
            in.flush();
        }

        Outcome outcome() throws Exception {
            Map<String, String> figures = follow(null);
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) throw failed();
            return new Outcome(figures, brokerCpu, databaseCpu);
        }

        private void remember(String line) {
            lastLines.addLast(line);
            if (lastLines.size() > 20) lastLines.removeFirst();
        }

        private IllegalStateException failed() {
            return new IllegalStateException("the measured run failed; its last words: " + String.join(" | ", lastLines)
                    + " (its log: " + log + ")");
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    /** @param profile whether to record a JFR profile of the run, into its folder */
    static Handle start(RunSpec spec, Meters meters, boolean profile) throws IOException {
        Path work = Files.createDirectories(Path.of(spec.workDir()));
        Path log = work.resolve(spec.engine().label + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-exports"))
                .forEach(command::add);
        command.add(HEAP);
        if (profile) {
            command.add(
                    "-XX:StartFlightRecording=settings=profile,filename=" + work.resolve(spec.engine().label + ".jfr"));
        }
        String log4j = System.getProperty("log4j2.configurationFile");
        if (log4j != null) command.add("-Dlog4j2.configurationFile=" + log4j);
        command.add("-Dstreamwatch.log.file=" + log);
        command.add("-cp");
        command.add(classpath(spec.engine()));
        command.add(BenchRun.class.getName());
        command.addAll(spec.toArgs());
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(
                        work.resolve(spec.engine().label + ".err").toFile()))
                .start();
        return new Handle(process, log, meters);
    }

    /**
     * This JVM's classpath, with the RocksDB of the engine: Flink's fork (frocksdbjni) for the job,
     * Kafka Streams' own (rocksdbjni) for the twin. Both use the package org.rocksdb, so only one
     * may be on a classpath.
     */
    static String classpath(RunSpec.Engine engine) throws IOException {
        List<String> entries = new ArrayList<>(
                Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator)));
        entries.removeIf(
                e -> isJar(e, "rocksdbjni-") || (engine == RunSpec.Engine.KAFKA_STREAMS && isJar(e, "frocksdbjni-")));
        if (engine == RunSpec.Engine.KAFKA_STREAMS) entries.add(kafkaStreamsRocksDb());
        return String.join(File.pathSeparator, entries);
    }

    private static boolean isJar(String entry, String prefix) {
        return Path.of(entry).getFileName().toString().startsWith(prefix);
    }

    private static String kafkaStreamsRocksDb() throws IOException {
        try (InputStream in = RunJvm.class.getResourceAsStream(ROCKSDB_OF_KAFKA_STREAMS)) {
            if (in == null) {
                throw new IllegalStateException(ROCKSDB_OF_KAFKA_STREAMS + " is missing: the build writes it"
                        + " (streamwatch-tools, generate-resources); build again");
            }
            String path = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!Files.exists(Path.of(path))) {
                throw new IllegalStateException("Kafka Streams' RocksDB is not at " + path + "; build again");
            }
            return path;
        }
    }

    static Map<String, String> parse(String figures) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : figures.split(" ")) {
            int eq = kv.indexOf('=');
            if (eq > 0) m.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return m;
    }
}
