package io.streamwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./streamwatch db} before any demo: one line that says what to run first. (NotebooksITCase runs it after one.) */
class DbTest {

    @Test
    void aDataFolderWithoutADemosClusterSaysToRunTheDemo(@TempDir Path empty) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Launcher.run(
                new String[] {"db", "--data", empty.toString()},
                new PrintStream(OutputStream.nullOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(Launcher.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8).lines())
                .singleElement()
                .asString()
                .startsWith("streamwatch db: no PostgreSQL data in " + empty.resolve("postgres"))
                .endsWith("run ./streamwatch demo first (with the same --data)");
    }

    @Test
    void aNegativePortIsAUsageError(@TempDir Path empty) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Launcher.run(
                new String[] {"db", "--data", empty.toString(), "--port", "-1"},
                new PrintStream(OutputStream.nullOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(Launcher.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--port -1");
    }
}
