package io.streamwatch.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamwatch.config.DetectionReader;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.detect.Detector;
import io.streamwatch.testkit.FlinkCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code streamwatch nab} end to end on a MiniCluster, over a small corpus written by the test. */
class NabCommandITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.extension();

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @TempDir
    Path dir;

    @Test
    void writesWellFormedResultFilesAndTheTableWithThePipelinesScores() throws Exception {
        Path data = dir.resolve("data");
        Path windows = dir.resolve("windows.json");
        Path out = dir.resolve("out");
        writeCorpus(data, windows);

        String table = NabCommand.run(
                new NabCommand.Options(data, windows, out, DetectionReader.EVALUATED_DETECTORS, 2, 3),
                StreamExecutionEnvironment.getExecutionEnvironment(),
                new PrintStream(new ByteArrayOutputStream()));

        NabCorpus corpus = NabCorpus.load(data, windows);
        assertThat(corpus.series()).hasSize(3);
        for (String type : DetectionReader.EVALUATED_DETECTORS) {
            assertThat(table).contains("| " + type + " |");
        }
        for (Detector<?> detector : detectorsOf(DetectionReader.EVALUATED_DETECTORS)) {
            for (NabCorpus.Labelled l : corpus.series()) {
                NabSeries s = l.series();
                Path file = NabResultFiles.resultPath(out, detector.name(), s);
                List<String> lines = Files.readAllLines(file);
                assertThat(lines.get(0)).isEqualTo("timestamp,value,anomaly_score,label");
                assertThat(lines).hasSize(s.size() + 1);
                double[] plainJava = NabEvaluation.detect(detector, s);
                for (int i = 0; i < s.size(); i++) {
                    String[] cells = lines.get(i + 1).split(",");
                    assertThat(cells).hasSize(4);
                    assertThat(cells[0]).isEqualTo(s.timestampTexts().get(i));
                    assertThat(cells[1]).isEqualTo(s.valueTexts().get(i));
                    // the operator path scores every row exactly as the plain loop does, gaps included
                    assertThat(Double.parseDouble(cells[2]))
                            .as(file + " row " + i)
                            .isEqualTo(plainJava[i]);
                    int row = i;
                    boolean inWindow = l.windows().stream().anyMatch(w -> w.first() <= row && row <= w.last());
                    assertThat(cells[3]).isEqualTo(inWindow ? "1" : "0");
                }
            }
        }
        assertThat(Files.readString(out.resolve("scores.md"))).isEqualTo(table);
        for (NabProfile p : NabProfile.values()) {
            assertThat(table).contains(p.nabName());
        }
        assertThat(table).contains("| cat-a | 1 |").contains("| cat-b | 0 |");
        // cross-validated: every detector and profile, and every fold of both schemes
        for (String name : DetectionReader.EVALUATED_DETECTORS) {
            for (NabProfile p : NabProfile.values()) {
                assertThat(table).containsPattern("\\| " + name + " \\| " + p.nabName() + " \\| [-0-9.]+ \\|");
            }
            for (String fold : List.of("fold 1/3", "fold 3/3", "cat-a", "cat-b")) {
                assertThat(table).contains("| " + name + " | " + fold + " |");
            }
        }
    }

    @Test
    void badCommandLinesSayWhatIsWrong() {
        assertThatThrownBy(() -> parse("--data", "d", "--out", "o")).hasMessageContaining("--windows");
        assertThatThrownBy(() -> parse("--data")).hasMessageContaining("--data");
        assertThatThrownBy(() -> parse("--data", "d", "--windows", "w", "--out", "o", "--colour", "red"))
                .hasMessageContaining("--colour");
        assertThatThrownBy(() -> parse("--data", "d", "--windows", "w", "--out", "o", "--parallelism", "0"))
                .hasMessageContaining("--parallelism");
        assertThatThrownBy(
                        () -> parse("--data", "d", "--windows", "w", "--out", "o", "--cross-validate", "--folds", "1"))
                .hasMessageContaining("--folds");
        assertThat(parse("--data", "d", "--windows", "w", "--out", "o", "--cross-validate")
                        .crossValidationFolds())
                .isEqualTo(5);
        assertThat(parse("--data", "d", "--windows", "w", "--out", "o"))
                .isEqualTo(new NabCommand.Options(
                        Path.of("d"), Path.of("w"), Path.of("o"), DetectionReader.EVALUATED_DETECTORS, 2));
        assertThat(parse("--data", "d", "--windows", "w", "--out", "o", "--detectors", "ewma, mad")
                        .detectors())
                .containsExactly("ewma", "mad");
    }

    private static NabCommand.Options parse(String... args) {
        NabCommand command = new NabCommand();
        new CommandLine(command).parseArgs(args);
        return command.options();
    }

    private static List<Detector<?>> detectorsOf(List<String> types) {
        List<Map<String, Object>> specs =
                types.stream().map(DetectionReader::evaluatedSpec).toList();
        return StreamwatchConfig.load(Map.of("detection", Map.of("detectors", specs)), Map.of(), Map.of())
                .detection()
                .detectors();
    }

    /**
     * Three daily-seasonal series of 1,500 five-minute rows: one with a level shift inside its
     * window, one with an hour-long gap every 300 rows (the operator must not treat it as silence),
     * and one, in a category without windows, with nothing wrong.
     */
    private static void writeCorpus(Path data, Path windowsFile) throws IOException {
        LocalDateTime t0 = LocalDateTime.of(2020, 1, 1, 0, 0);
        writeSeries(data.resolve("cat-a/shift.csv"), t0, 0, 1000);
        writeSeries(data.resolve("cat-a/gaps.csv"), t0.plusYears(1), 300, -1);
        writeSeries(data.resolve("cat-b/calm.csv"), t0.plusYears(2), 0, -1);
        String window = "[\"" + TIME.format(t0.plusMinutes(5 * 950)) + ".000000\", \""
                + TIME.format(t0.plusMinutes(5 * 1050)) + ".000000\"]";
        Files.writeString(
                windowsFile,
                "{\"cat-a/shift.csv\": [" + window + "], \"cat-a/gaps.csv\": []," + " \"cat-b/calm.csv\": []}");
    }

    private static void writeSeries(Path file, LocalDateTime start, int gapEvery, int shiftAt) throws IOException {
        Random random = new Random(file.getFileName().toString().hashCode());
        List<String> lines = new ArrayList<>();
        lines.add("timestamp,value");
        LocalDateTime t = start;
        for (int i = 0; i < 1500; i++) {
            t = t.plusMinutes(gapEvery > 0 && i > 0 && i % gapEvery == 0 ? 60 : 5);
            double value = 50
                    + 10 * Math.sin(2 * Math.PI * i / 288)
                    + random.nextGaussian()
                    + (shiftAt >= 0 && i >= shiftAt ? 25 : 0);
            lines.add(TIME.format(t) + "," + String.format(Locale.ROOT, "%.3f", value));
        }
        Files.createDirectories(file.getParent());
        Files.write(file, lines, StandardCharsets.UTF_8);
    }
}
