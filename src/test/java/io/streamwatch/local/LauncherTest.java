package io.streamwatch.local;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LauncherTest {
    private static String[] run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Launcher.run(args, new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {String.valueOf(code), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void badInputEndsInOneLineAndExitCodeTwo() {
        for (String[] args : new String[][] {
                {"demo", "--bogus"}, {"demo", "--rate"}, {"demo", "--rate", "fast"}, {"demo", "--duration", "soon"},
                {"generate", "--bootstrap-servers", "localhost:1", "--duration", "1s"}, {"launch"}}) {
            String[] result = run(args);
            assertThat(result[0]).as(String.join(" ", args)).isEqualTo("2");
            assertThat(result[1].lines()).as(String.join(" ", args)).singleElement()
                    .asString().startsWith("streamwatch");
        }
    }

    @Test
    void helpExitsCleanly() {
        assertThat(run("--help")[0]).isEqualTo("0");
        assertThat(run("demo", "--help")[0]).isEqualTo("0");
        assertThat(run("run", "--help")[0]).isEqualTo("0");
        assertThat(run("generate", "--help")[0]).isEqualTo("0");
    }

    @Test
    void runPassesUnknownFlagsToTheJobConfiguration() {
        Options.Parsed p = Run.OPTIONS.parse(new String[] {"--web-port", "0", "--aggregation.size", "30s", "--config=x.yaml"});
        assertThat(p.integer("web-port", 0)).isZero();
        assertThat(p.rest()).containsExactly("--aggregation.size", "30s", "--config=x.yaml");
    }

    @Test
    void durationsAndNumbersAreChecked() {
        Options.Parsed p = Demo.OPTIONS.parse(new String[] {"--duration", "90s", "--speed=120"});
        assertThat(p.duration("duration")).isEqualTo(Duration.ofSeconds(90));
        assertThat(GeneratorFlags.backfill(p)).isEqualTo(Duration.ofMinutes(180));
        assertThatThrownBy(() -> Demo.OPTIONS.parse(new String[] {"--series", "0"}).integer("series", 1))
                .isInstanceOf(LauncherException.class).hasMessage("--series 0 is not a whole number of at least 1");
    }
}
