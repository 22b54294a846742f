package io.streamwatch.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamwatch.testkit.EmbeddedPostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both notebooks executed headless as a user would run them: on the database of a short real demo,
 * reopened by {@code ./streamwatch db} after the demo stopped its servers, and on the output of
 * {@code ./streamwatch nab} over a few generated files. A failing cell (an assertion of the notebook:
 * the reconciliation, every labelled window drawn, the sweep agreeing with scores.md) fails the test.
 * The executed notebooks stay in target/notebooks/ as HTML, figures included.
 *
 * <p>Needs Jupyter with pandas, matplotlib and psycopg2 under Debian's interpreter ({@code .ci/run}
 * installs them): skipped without it, except in CI ({@code CI=true}), where a missing Jupyter fails.
 */
class NotebooksITCase {
    private static final Path JUPYTER = Path.of("/usr/bin/jupyter");
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path EXECUTED = Path.of("target", "notebooks").toAbsolutePath();
    private static final Path NOTEBOOKS = Launcher.home().resolve("notebooks");
    private static final DateTimeFormatter NAB_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @TempDir
    Path dir;

    @BeforeAll
    static void requireJupyter() throws Exception {
        String missing = missingJupyter();
        if (missing != null && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(missing + "; CI must execute the notebooks: .ci/run installs jupyter-nbconvert python3-nbclient"
                    + " python3-ipykernel python3-pandas python3-matplotlib python3-psycopg2");
        }
        assumeTrue(missing == null, missing + ": the notebooks are not executed (CI=true makes this a failure)");
    }

    /** Why Jupyter cannot run the notebooks here, or null. */
    private static String missingJupyter() throws Exception {
        if (!Files.isExecutable(JUPYTER) || !Files.isExecutable(PYTHON)) return JUPYTER + " or " + PYTHON + " missing";
        Process p = new ProcessBuilder(
                        PYTHON.toString(), "-c", "import nbconvert, nbclient, ipykernel, pandas, matplotlib, psycopg2")
                .redirectErrorStream(true)
                .start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 ? null : PYTHON + " lacks a module the notebooks need: " + said.strip();
    }

    @Test
    void runAnalysisOnADemosDatabaseReopenedByDb() throws Exception {
        Path data = dir.resolve("local-data");
        Summary summary = Launcher.parse(
                        new Demo(),
                        "--duration",
                        "30s",
                        "--warmup-windows",
                        "20",
                        "--web-port",
                        "0",
                        "--data",
                        data.toString())
                .run(new Console(new PrintStream(OutputStream.nullOutputStream()), false), new StopSignal());
        assertThat(summary.reconciles()).as(summary.render()).isTrue();
        assertThat(summary.anomalyRows()).as(summary.render()).isPositive();

        assertThatThrownBy(() -> Launcher.parse(new Db(), "--data", data.toString(), "--run", "run_19700101_000000")
                        .open(DataDir.open(data, false)))
                .isInstanceOf(LauncherException.class)
                .hasMessageContaining("no database run_19700101_000000")
                .hasMessageEndingWith("runs: " + summary.runId());
        Db db = Launcher.parse(new Db(), "--data", data.toString());
        try (Db.Opened opened = db.open(DataDir.open(data, false))) {
            assertThat(opened.database()).isEqualTo(summary.runId());
            Map<String, String> env = opened.environment();
            assertThat(execute("run-analysis.ipynb", EXECUTED, env))
                    .contains("Reconciliation PASSED: all " + String.format(Locale.ROOT, "%,d", summary.recordsIn()));

            // a late event lost: the notebook must notice, or its PASSED above proves nothing
            try (Connection c = DriverManager.getConnection(
                            opened.server().url(opened.database()), EmbeddedPostgresServer.USER, "");
                    Statement s = c.createStatement()) {
                assertThat(s.executeUpdate(
                                "DELETE FROM late_events WHERE ctid = (SELECT ctid FROM late_events LIMIT 1)"))
                        .isOne();
            }
            assertThat(executeExpectingFailure("run-analysis.ipynb", dir.resolve("tampered"), env))
                    .contains("reconciliation FAILED")
                    .contains("valid - duplicates = aggregated + late events");
        }
    }

    @Test
    void detectorBacktestOnANabRun() throws Exception {
        Path data = dir.resolve("nab");
        Path windows = dir.resolve("windows.json");
        Path out = dir.resolve("nab-out");
        writeCorpus(data, windows);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Launcher.run(
                new String[] {"nab", "--data", data.toString(), "--windows", windows.toString(), "--out", out.toString()
                },
                new PrintStream(OutputStream.nullOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();

        assertThat(execute(
                        "detector-backtest.ipynb",
                        EXECUTED,
                        Map.of("STREAMWATCH_NAB_OUT", out.toString(), "STREAMWATCH_NAB_WINDOWS", windows.toString())))
                .contains("every labelled window of 2 files drawn")
                .contains("agree with scores.md");
    }

    /**
     * Executes a notebook into {@code outDir} as HTML, which a browser opens without Jupyter; fails with
     * Jupyter's output, the failing cell's traceback included.
     *
     * @return the HTML
     */
    private static String execute(String notebook, Path outDir, Map<String, String> env) throws Exception {
        Run run = nbconvert(notebook, outDir, env);
        if (run.code() != 0) fail(notebook + " failed (jupyter exit code " + run.code() + "):\n" + run.output());
        return Files.readString(outDir.resolve(notebook.replace(".ipynb", ".html")));
    }

    private static String executeExpectingFailure(String notebook, Path outDir, Map<String, String> env)
            throws Exception {
        Run run = nbconvert(notebook, outDir, env);
        assertThat(run.code()).as(run.output()).isNotZero();
        return run.output();
    }

    private record Run(int code, String output) {}

    private static Run nbconvert(String notebook, Path outDir, Map<String, String> env)
            throws IOException, InterruptedException {
        Files.createDirectories(outDir);
        List<String> command = List.of(
                JUPYTER.toString(),
                "nbconvert",
                "--to",
                "html",
                "--execute",
                "--ExecutePreprocessor.timeout=300",
                "--output-dir",
                outDir.toString(),
                NOTEBOOKS.resolve(notebook).toString());
        Path log = Files.createTempFile(outDir, "nbconvert", ".log");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(NOTEBOOKS.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> environment = pb.environment();
        // only what the test names: a PG* variable of the machine must not pick another database
        environment.keySet().removeIf(k -> k.startsWith("PG") || k.startsWith("STREAMWATCH_"));
        environment.putAll(env);
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail(notebook + " did not finish in 5 minutes:\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        Files.delete(log);
        return new Run(p.exitValue(), output);
    }

    /**
     * Two NAB-format files of 1,200 five-minute rows with a daily cycle: one with a spike, one with a
     * level shift, each inside its labelled window.
     */
    private static void writeCorpus(Path data, Path windowsFile) throws IOException {
        LocalDateTime t0 = LocalDateTime.of(2021, 3, 1, 0, 0);
        Map<String, String> windows = new HashMap<>();
        windows.put("synthetic/spike.csv", series(data.resolve("synthetic/spike.csv"), t0, 800, 1));
        windows.put("synthetic/shift.csv", series(data.resolve("synthetic/shift.csv"), t0, 900, 200));
        StringBuilder json = new StringBuilder("{");
        windows.forEach((key, window) -> json.append(json.length() > 1 ? ", " : "")
                .append('"')
                .append(key)
                .append("\": [")
                .append(window)
                .append(']'));
        Files.writeString(windowsFile, json.append('}').toString());
    }

    /** Writes the file; returns its window (60 rows each side of the anomaly's start) as NAB's JSON pair. */
    private static String series(Path file, LocalDateTime t0, int anomalyAt, int anomalyRows) throws IOException {
        Random random = new Random(anomalyAt);
        List<String> lines = new ArrayList<>(List.of("timestamp,value"));
        for (int i = 0; i < 1200; i++) {
            boolean anomalous = i >= anomalyAt && i < anomalyAt + anomalyRows;
            double value = 40 + 8 * Math.sin(2 * Math.PI * i / 288) + random.nextGaussian() + (anomalous ? 30 : 0);
            lines.add(NAB_TIME.format(t0.plusMinutes(5L * i)) + "," + String.format(Locale.ROOT, "%.3f", value));
        }
        Files.createDirectories(file.getParent());
        Files.write(file, lines, StandardCharsets.UTF_8);
        return "[\"" + NAB_TIME.format(t0.plusMinutes(5L * (anomalyAt - 60))) + ".000000\", \""
                + NAB_TIME.format(t0.plusMinutes(5L * (anomalyAt + 60))) + ".000000\"]";
    }
}
