package io.streamwatch.local;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a running {@code ./streamwatch cluster} is made of, as its supervisor wrote it once everything
 * was up: every process with its pid, its start time and its log, and the addresses of the web UI,
 * Kafka and PostgreSQL. Later commands ({@code submit}, {@code status}, {@code stop}) read it.
 *
 * <p>A pid alone could name another program after a reboot or a crash: a process counts as the
 * cluster's only while its start time is still the one recorded.
 *
 * @param processes the supervisor first (it holds Kafka and PostgreSQL), then the Flink processes and PostgreSQL's server
 */
record ClusterState(
        List<Member> processes,
        String webUi,
        String kafka,
        String topic,
        String jdbcUrl,
        int postgresPort,
        String database,
        String traffic,
        long startedMillis) {

    /** A process of the cluster; {@code log} may be empty (PostgreSQL logs through the supervisor). */
    record Member(String name, long pid, long startMillis, String log) {
        static Member of(String name, ProcessHandle process, Path log) {
            return new Member(name, process.pid(), startedAt(process), log == null ? "" : log.toString());
        }

        /** The process, while it is this member (alive, and started when recorded). */
        Optional<ProcessHandle> running() {
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    // the start time is read from /proc in whole clock ticks
                    .filter(p -> Math.abs(startedAt(p) - startMillis) < 1000);
        }

        /**
         * Asks the process to end (SIGTERM), and kills it after {@code grace}.
         *
         * @return false if it was still there after SIGKILL
         */
        boolean stop(Duration grace) {
            Optional<ProcessHandle> process = running();
            if (process.isEmpty()) return true;
            ProcessHandle p = process.get();
            p.destroy();
            if (awaitExit(p, grace)) return true;
            p.destroyForcibly();
            return awaitExit(p, Duration.ofSeconds(10));
        }
    }

    static final String SUPERVISOR = "supervisor";

    static long startedAt(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    Member supervisor() {
        return processes.get(0);
    }

    /** The members still running. */
    List<Member> running() {
        return processes.stream().filter(m -> m.running().isPresent()).toList();
    }

    static Optional<ClusterState> read(Path file) {
        if (!Files.isRegularFile(file)) return Optional.empty();
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        List<Member> members = new ArrayList<>();
        for (int i = 0; p.containsKey("process." + i + ".name"); i++) {
            String prefix = "process." + i + ".";
            members.add(new Member(
                    p.getProperty(prefix + "name"),
                    Long.parseLong(p.getProperty(prefix + "pid")),
                    Long.parseLong(p.getProperty(prefix + "started")),
                    p.getProperty(prefix + "log")));
        }
        return Optional.of(new ClusterState(
                members,
                p.getProperty("web-ui"),
                p.getProperty("kafka"),
                p.getProperty("topic"),
                p.getProperty("jdbc-url"),
                Integer.parseInt(p.getProperty("postgres-port")),
                p.getProperty("database"),
                p.getProperty("traffic"),
                Long.parseLong(p.getProperty("started"))));
    }

    /** Writes the file whole or not at all: a reader never sees half of it. */
    void write(Path file) throws IOException {
        Properties p = new Properties();
        for (int i = 0; i < processes.size(); i++) {
            Member m = processes.get(i);
            String prefix = "process." + i + ".";
            p.setProperty(prefix + "name", m.name());
            p.setProperty(prefix + "pid", String.valueOf(m.pid()));
            p.setProperty(prefix + "started", String.valueOf(m.startMillis()));
            p.setProperty(prefix + "log", m.log());
        }
        p.setProperty("web-ui", webUi);
        p.setProperty("kafka", kafka);
        p.setProperty("topic", topic);
        p.setProperty("jdbc-url", jdbcUrl);
        p.setProperty("postgres-port", String.valueOf(postgresPort));
        p.setProperty("database", database);
        p.setProperty("traffic", traffic);
        p.setProperty("started", String.valueOf(startedMillis));
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (Writer out = Files.newBufferedWriter(partial)) {
            p.store(out, "./streamwatch cluster: written by its supervisor, read by submit, status and stop");
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
