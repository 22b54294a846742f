package io.streamwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.testkit.ProjectPaths;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A command-line validator from Debian (docker-compose, promtool), run on a file of the checkout.
 * Missing, the test is skipped on a developer's machine but fails in CI (the environment variable
 * CI is set), where .ci/run installs it.
 */
final class ExternalTool {
    private ExternalTool() {}

    /** Runs the command in the checkout's top folder and asserts it exits 0; returns its output. */
    static String run(String... command) throws IOException, InterruptedException {
        requireOnPath(command[0]);
        Path output = Files.createTempFile("streamwatch-tool", ".out");
        try {
            Process process = new ProcessBuilder(command)
                    .directory(ProjectPaths.root().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            assertThat(process.exitValue())
                    .as(String.join(" ", command) + " failed:\n" + text)
                    .isZero();
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static void requireOnPath(String binary) {
        String path = System.getenv().getOrDefault("PATH", "");
        boolean found = List.of(path.split(File.pathSeparator)).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, binary)));
        if (found) return;
        String hint = binary + " is not on the PATH; install it (Debian: apt-get install "
                + (binary.equals("promtool") ? "prometheus" : binary) + "), as .ci/run does";
        if (System.getenv("CI") != null) throw new AssertionError(hint + " (CI is set, so this test may not skip)");
        Assumptions.abort(hint);
    }
}
