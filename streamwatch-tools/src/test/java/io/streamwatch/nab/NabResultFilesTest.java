package io.streamwatch.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NabResultFilesTest {

    @Test
    void writesNabLayoutWithInputTimestampsValuesAndLabels(@TempDir Path out) throws Exception {
        Path fixtures = NabTestData.fixtures();
        NabSeries s = NabSeries.read(fixtures.resolve("data"), "demo/tiny_series.csv");
        NabWindows windows = NabWindows.read(fixtures.resolve("windows.json"));
        double[] scores = {0, 0.25, 1, 0, 0.5, 0.125};

        Path written = NabResultFiles.write(out, "myDetector2", s, scores, windows.rowWindows(s));

        assertThat(written).isEqualTo(out.resolve("results/myDetector2/demo/myDetector2_tiny_series.csv"));
        assertThat(Files.readAllLines(written))
                .containsExactly(
                        "timestamp,value,anomaly_score,label",
                        "2014-04-01 00:00:00,1.5,0.0,0",
                        "2014-04-01 00:05:00,2,0.25,1",
                        "2014-04-01 00:10:00,-3.25,1.0,1",
                        "2014-04-01 00:15:00,4e3,0.0,0",
                        "2014-04-01 00:20:00,5.000,0.5,1",
                        "2014-04-01 00:25:00,6,0.125,0");
    }

    @Test
    void rejectsDetectorNamesNabCannotSplit(@TempDir Path out) {
        NabSeries s = NabSeries.read(NabTestData.fixtures().resolve("data"), "demo/tiny_series.csv");
        assertThatThrownBy(() -> NabResultFiles.resultPath(out, "my_detector", s))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsAScoreCountThatDiffersFromTheRowCount(@TempDir Path out) {
        NabSeries s = NabSeries.read(NabTestData.fixtures().resolve("data"), "demo/tiny_series.csv");
        assertThatThrownBy(() -> NabResultFiles.write(out, "d", s, new double[3], java.util.List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
