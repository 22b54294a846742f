package io.streamwatch.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The folder a local run keeps its data in: PostgreSQL's cluster (reused across runs, one database
 * per run), Kafka's log, checkpoints, savepoints, the log file, and per run its ground truth and summary.
 */
public record DataDir(Path root) {
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");

    /** @param fresh delete what earlier runs left first */
    public static DataDir open(Path root, boolean fresh) {
        Path absolute = root.toAbsolutePath().normalize();
        try {
            if (fresh) deleteRecursively(absolute);
            Files.createDirectories(absolute);
        } catch (IOException e) {
            throw new LauncherException("cannot use data folder " + absolute + ": " + e.getMessage());
        }
        return new DataDir(absolute);
    }

    /** A name for a run, usable as a database name and in topic names: run_20240501_120000. */
    public static String newRunId() {
        return "run_" + LocalDateTime.now().format(RUN_ID);
    }

    public Path postgres() {
        return root.resolve("postgres");
    }

    public Path kafka() {
        return root.resolve("kafka");
    }

    public Path checkpoints() {
        return root.resolve("checkpoints");
    }

    public Path savepoints() {
        return root.resolve("savepoints");
    }

    public Path logFile() {
        return root.resolve("streamwatch.log");
    }

    public Path run(String runId) {
        Path dir = root.resolve("runs").resolve(runId);
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
