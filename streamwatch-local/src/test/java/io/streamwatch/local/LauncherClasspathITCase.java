package io.streamwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.testkit.ProjectPaths;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs a Flink job in a separate JVM on exactly the classpath the {@code streamwatch} script uses
 * (this module's target/classes plus the runtime classpath file Maven writes). Tests run on the
 * test classpath, so without this a dependency that is only there (test scope) passes every test
 * and still breaks {@code ./streamwatch} on a fresh clone.
 */
class LauncherClasspathITCase {

    @Test
    void theLaunchersClasspathRunsTheNabCommand(@TempDir Path out) throws Exception {
        Path launcher = Path.of("target", "launcher");
        String classpath = String.join(
                java.io.File.pathSeparator,
                "target/classes",
                Files.readString(launcher.resolve("runtime.classpath")).trim());
        Path fixtures = ProjectPaths.resolve("streamwatch-tools/src/test/resources/nab");
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(arg -> arg.startsWith("--add-opens"))
                .forEach(command::add);
        command.addAll(List.of(
                "-cp",
                classpath,
                Launcher.class.getName(),
                "nab",
                "--data",
                fixtures.resolve("data").toString(),
                "--windows",
                fixtures.resolve("windows.json").toString(),
                "--out",
                out.toString(),
                "--detectors",
                "ewma"));

        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(out.resolve("results/ewma/demo/ewma_tiny_series.csv")).exists();
    }
}
