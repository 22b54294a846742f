package io.streamwatch.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamwatch.nab.NabWindows.RowWindow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NabReadersTest {

    @Test
    void readsTheFixtureSeries() {
        NabSeries s = NabSeries.read(NabTestData.fixtures().resolve("data"), "demo/tiny_series.csv");
        assertThat(s.size()).isEqualTo(6);
        assertThat(s.category()).isEqualTo("demo");
        assertThat(s.name()).isEqualTo("tiny_series");
        assertThat(s.timestamps()[0]).isEqualTo(1396310400000L); // 2014-04-01T00:00:00Z
        assertThat(s.timestamps()[1] - s.timestamps()[0]).isEqualTo(300_000L);
        assertThat(s.values()).containsExactly(1.5, 2, -3.25, 4000, 5, 6);
        assertThat(s.valueTexts()).containsExactly("1.5", "2", "-3.25", "4e3", "5.000", "6");
    }

    @Test
    void windowTimestampsWithFractionalSecondsMapToRows() {
        Path fixtures = NabTestData.fixtures();
        NabWindows windows = NabWindows.read(fixtures.resolve("windows.json"));
        NabSeries s = NabSeries.read(fixtures.resolve("data"), "demo/tiny_series.csv");
        assertThat(windows.files()).containsExactly("demo/tiny_series.csv");
        assertThat(windows.rowWindows(s)).containsExactly(new RowWindow(1, 2), new RowWindow(4, 4));
        assertThat(windows.count()).isEqualTo(2);
    }

    @Test
    void readsTheRealCorpus() {
        Path nab = NabTestData.realNab();
        NabCorpus corpus = NabCorpus.load(nab.resolve("data"), nab.resolve("labels/combined_windows.json"));
        assertThat(corpus.series()).hasSize(22);
        assertThat(corpus.windowCount()).isEqualTo(36);
        assertThat(corpus.rows()).isEqualTo(131_111); // data rows, headers excluded

        Map<String, Integer> rows = Map.of(
                "realKnownCause/nyc_taxi.csv", 10_320,
                "realKnownCause/machine_temperature_system_failure.csv", 22_695,
                "realTraffic/speed_7578.csv", 1_127,
                "artificialNoAnomaly/art_flatline.csv", 4_032);
        for (NabCorpus.Labelled l : corpus.series()) {
            NabSeries s = l.series();
            if (rows.containsKey(s.key())) {
                assertThat(s.size()).as(s.key()).isEqualTo(rows.get(s.key()));
            }
            if (s.category().equals("artificialNoAnomaly")) {
                assertThat(l.windows()).as(s.key()).isEmpty();
            } else {
                assertThat(l.windows()).as(s.key()).isNotEmpty();
            }
            int probation = NabScorer.probation(s.size());
            for (RowWindow w : l.windows()) {
                // the windows were built so that none lies wholly inside probation
                assertThat(w.last()).as(s.key()).isGreaterThanOrEqualTo(probation);
            }
        }
        List<RowWindow> taxi = corpus.series().stream()
                .filter(l -> l.series().key().equals("realKnownCause/nyc_taxi.csv"))
                .findFirst()
                .orElseThrow()
                .windows();
        assertThat(taxi).hasSize(5);
        // first window starts at 2014-10-30 15:30:00, 30-minute rows from 2014-07-01 00:00:00:
        // 121 days · 48 + 31 = 5839
        assertThat(taxi.get(0).first()).isEqualTo(5839);
    }

    @Test
    void eventTimesMoveRepeatedTimestampsOneMillisecondOn() {
        NabSeries s = new NabSeries(
                "c/x.csv",
                new long[] {1000, 2000, 2000, 1500, 5000},
                new double[5],
                List.of("a", "b", "c", "d", "e"),
                List.of("1", "2", "3", "4", "5"));
        assertThat(s.eventTimes()).containsExactly(1000, 2000, 2001, 2002, 5000);
        assertThat(s.timestamps()).containsExactly(1000, 2000, 2000, 1500, 5000);
    }

    @Test
    void theCorpusIsEveryCsvUnderTheFolderAndEachNeedsAnEntry(@TempDir Path dir) throws IOException {
        Path data = NabTestData.fixtures().resolve("data");
        Path windows = dir.resolve("windows.json");
        // an entry without a data file is ignored: a folder may hold a subset of NAB
        Files.writeString(
                windows,
                "{\"demo/tiny_series.csv\": [], \"other/absent.csv\": [[\"2014-04-01 00:00:00\", \"2014-04-01 00:05:00\"]]}");
        NabCorpus corpus = NabCorpus.load(data, windows);
        assertThat(corpus.series()).extracting(l -> l.series().key()).containsExactly("demo/tiny_series.csv");
        assertThat(corpus.windowCount()).isZero();

        Files.writeString(windows, "{\"other/absent.csv\": []}");
        assertThatThrownBy(() -> NabCorpus.load(data, windows)).hasMessageContaining("demo/tiny_series.csv");
    }
}
