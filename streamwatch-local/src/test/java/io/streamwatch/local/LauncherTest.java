package io.streamwatch.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherTest {
    private static String[] run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Launcher.run(
                args,
                new PrintStream(OutputStream.nullOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {String.valueOf(code), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void badInputEndsInOneLineAndExitCodeTwo() {
        for (String[] args : new String[][] {
            {"demo", "--bogus"},
            {"demo", "--rate"},
            {"demo", "--rate", "fast"},
            {"demo", "--duration", "soon"},
            {"generate", "--bootstrap-servers", "localhost:1", "--duration", "1s"},
            {"launch"},
            {},
            {"nab", "--data", "d"},
            {"generate", "--series", "0"},
            {"dead-letters"},
            {"dead-letters", "replay", "--code", "WRONG_TYPE"},
            {"dead-letters", "list", "--code", "NO_SUCH_CODE"},
            {"dead-letters", "list", "--since", "yesterday"},
            {"dead-letters", "show", "events-0@12"},
            {"dead-letters", "replay", "--bootstrap-servers", "localhost:1", "--fix", "value=hex"},
            {"bench", "--records", "10"},
            {"bench", "--mode", "fastest"},
            {"bench", "--runs", "raw,flink"},
            {"bench", "--mode", "latency", "--duration", "30s"},
            {"bench", "--flink", "no-equals-sign"}
        }) {
            String[] result = run(args);
            assertThat(result[0]).as(String.join(" ", args)).isEqualTo("2");
            assertThat(result[1].lines())
                    .as(String.join(" ", args))
                    .singleElement()
                    .asString()
                    .startsWith("streamwatch");
        }
    }

    @Test
    void aFailureThatIsNoUsageProblemEndsInOneLineAndExitCodeOne(@TempDir Path empty) {
        // a missing data folder fails inside the command (an I/O error), not while parsing its flags
        String[] result = run(
                "nab",
                "--data",
                empty.resolve("nowhere").toString(),
                "--windows",
                empty.resolve("windows.json").toString(),
                "--out",
                empty.toString());
        assertThat(result[0]).isEqualTo("1");
        assertThat(result[1].lines())
                .singleElement()
                .asString()
                .startsWith("streamwatch nab: ")
                .contains("windows.json")
                .endsWith("(details in the log file)");
    }

    @Test
    void helpExitsCleanly() {
        assertThat(run("--help")[0]).isEqualTo("0");
        assertThat(run("demo", "--help")[0]).isEqualTo("0");
        assertThat(run("run", "--help")[0]).isEqualTo("0");
        assertThat(run("generate", "--help")[0]).isEqualTo("0");
        assertThat(run("bench", "--help")[0]).isEqualTo("0");
        assertThat(run("dead-letters", "--help")[0]).isEqualTo("0");
        assertThat(run("dead-letters", "replay", "--help")[0]).isEqualTo("0");
    }

    @Test
    void aSubcommandsProblemNamesTheWholeCommand() {
        assertThat(run("dead-letters", "list", "--code", "NO_SUCH_CODE")[1])
                .startsWith(
                        "streamwatch dead-letters list: --code NO_SUCH_CODE is not a dead-letter code; expected one of"
                                + " EMPTY_PAYLOAD, ");
        assertThat(run("dead-letters", "replay")[1])
                .startsWith("streamwatch dead-letters replay: Missing required option: '--bootstrap-servers=HOST:PORT'")
                .contains("(see ./streamwatch dead-letters replay --help)");
    }

    @Test
    void runPassesUnknownFlagsToTheJobConfiguration() {
        Run run = Launcher.parse(new Run(), "--web-port", "0", "--aggregation.size", "30s", "--config=x.yaml");
        assertThat(run.webUi.port()).isZero();
        assertThat(run.jobArguments).containsExactly("--aggregation.size", "30s", "--config=x.yaml");
    }

    @Test
    void durationsReadAsInTheYamlFileAndNumbersAreChecked() {
        Demo demo = Launcher.parse(new Demo(), "--duration", "90s", "--speed=120");
        assertThat(demo.traffic.duration).isEqualTo(Duration.ofSeconds(90));
        assertThat(demo.traffic.backfill()).isEqualTo(Duration.ofMinutes(180));
        // the forms the YAML reader accepts, 1d included, which the hand-written parser refused
        assertThat(Launcher.parse(new Demo(), "--duration", "1d").traffic.duration)
                .isEqualTo(Duration.ofDays(1));
        assertThat(Launcher.parse(new Demo(), "--duration", "PT2M").traffic.duration)
                .isEqualTo(Duration.ofMinutes(2));
        TrafficOptions zeroSeries = Launcher.parse(new Demo(), "--series", "0").traffic;
        assertThatThrownBy(() -> zeroSeries.settings(Duration.ofMinutes(1), Duration.ofMinutes(1)))
                .isInstanceOf(LauncherException.class)
                .hasMessage("--series 0 is not a whole number of at least 1");
    }
}
