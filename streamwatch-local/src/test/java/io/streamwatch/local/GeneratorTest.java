package io.streamwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.local.Generator.Injection;
import io.streamwatch.local.Generator.Kind;
import io.streamwatch.model.Ingested;
import io.streamwatch.serde.ContractSettings;
import io.streamwatch.serde.EventParser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeneratorTest {
    private static final long MINUTE = 60_000;
    private static final long T0 = Instant.parse("2024-05-01T00:00:00Z").toEpochMilli();
    private static final long END = T0 + 60 * MINUTE;

    private record Sent(int partition, long timestamp, byte[] value) {}

    private static Generator.Settings settings(double duplicates, double late, double malformed) {
        // 20 series, a point every 6 s of event time each: ten a window
        return new Generator.Settings(20, 200, 60, 3, 7, duplicates, late, malformed, MINUTE, 25, 4, 15, 5 * MINUTE);
    }

    /** Runs the generator to the end in ticks of 3 s of event time, as the launcher does at speed 60. */
    private static List<Sent> run(Generator g) {
        List<Sent> sent = new ArrayList<>();
        for (long t = T0; t <= END; t += 3_000) g.advanceTo(t, (p, ts, v) -> sent.add(new Sent(p, ts, v)));
        return sent;
    }

    private static final EventParser PARSER = new EventParser(ContractSettings.defaults());

    private static Ingested parse(Sent s) {
        return PARSER.parse("events", s.partition(), 0, s.timestamp(), s.value(), END + MINUTE);
    }

    @Test
    void everyRecordIsCountedInItsCategoryAndTheContractAgrees() {
        Generator g = new Generator(settings(0.05, 0.02, 0.02), T0, END, List.of());
        List<Sent> sent = run(g);
        Generator.Totals totals = g.totals();

        assertThat(totals.duplicates()).isPositive();
        assertThat(totals.late()).isPositive();
        assertThat(totals.malformed()).isPositive();
        assertThat(sent).hasSize((int) totals.produced());
        assertThat(sent.stream().filter(s -> !parse(s).isValid()).count()).isEqualTo(totals.malformed());
        Map<String, Integer> copies = new HashMap<>();
        sent.stream()
                .map(GeneratorTest::parse)
                .filter(Ingested::isValid)
                .forEach(i -> copies.merge(i.event.seriesKey + "|" + i.event.eventId, 1, Integer::sum));
        assertThat(copies).hasSize((int) (totals.points() + totals.late()));
        assertThat(copies.values().stream().mapToInt(c -> c - 1).sum()).isEqualTo(totals.duplicates());
    }

    @Test
    void easyKindsComeFirstOnWindowBoundariesOnDistinctSeriesAndAllCanBeJudgedBeforeTheEnd() {
        List<Injection> injections = new Generator(settings(0, 0, 0), T0, END, List.of()).injections();

        assertThat(injections)
                .extracting(Injection::kind)
                .startsWith(Kind.SPIKE, Kind.LEVEL_SHIFT, Kind.DROPOUT, Kind.DRIFT);
        assertThat(injections).allSatisfy(i -> {
            assertThat((i.start() - T0) % MINUTE).isZero();
            assertThat(i.start()).isGreaterThanOrEqualTo(T0 + 25 * MINUTE);
            assertThat(i.judgeableAt()).isLessThanOrEqualTo(END - 2 * MINUTE);
        });
        assertThat(injections).extracting(Injection::seriesKey).doesNotHaveDuplicates();
    }

    @Test
    void injectionsShapeTheirSeries() {
        Generator g = new Generator(settings(0, 0, 0), T0, END, List.of());
        List<Sent> sent = run(g);
        for (Injection i : g.injections()) {
            double before = mean(sent, i.seriesKey(), i.start() - 5 * MINUTE, i.start());
            double during = mean(sent, i.seriesKey(), i.start(), i.end());
            switch (i.kind()) {
                case DROPOUT ->
                    assertThat(during).as("no points while dropped out").isNaN();
                case SPIKE -> assertThat(during / before).isBetween(1.5, 1.7);
                case LEVEL_SHIFT -> assertThat(during / before).isBetween(1.3, 1.5);
                case DRIFT ->
                    assertThat(mean(sent, i.seriesKey(), i.end(), i.end() + MINUTE) / before)
                            .isBetween(1.3, 1.5);
                default -> throw new AssertionError(i);
            }
        }
    }

    private double mean(List<Sent> sent, String series, long from, long to) {
        return sent.stream()
                .map(GeneratorTest::parse)
                .filter(Ingested::isValid)
                .filter(i -> i.event.seriesKey.equals(series) && i.event.eventTime >= from && i.event.eventTime < to)
                .mapToDouble(i -> i.event.value)
                .average()
                .orElse(Double.NaN);
    }

    @Test
    void theLastPartitionGoesIdleAndOrderIsOffByLessThanATick() {
        Generator g = new Generator(settings(0, 0, 0), T0, END, List.of());
        List<Sent> sent = run(g);

        assertThat(sent)
                .filteredOn(s -> s.partition() == 2)
                .isNotEmpty()
                .allSatisfy(s -> assertThat(s.timestamp()).isLessThan(T0 + 15 * MINUTE + 3_000));
        long maxSeen = Long.MIN_VALUE;
        long worst = 0;
        boolean outOfOrder = false;
        for (Sent s : sent) {
            if (maxSeen == Long.MIN_VALUE) maxSeen = s.timestamp();
            outOfOrder |= s.timestamp() < maxSeen;
            worst = Math.max(worst, maxSeen - s.timestamp());
            maxSeen = Math.max(maxSeen, s.timestamp());
        }
        assertThat(outOfOrder).isTrue();
        assertThat(worst).as("within the job's 5 s of out-of-orderness").isLessThan(5_000);
    }

    @Test
    void lateRecordsAreOlderThanTheirWindowPlusTheAllowedLateness() {
        Generator g = new Generator(settings(0, 0.05, 0), T0, END, List.of());
        List<Sent> sent = run(g);
        long maxSeen = Long.MIN_VALUE;
        int late = 0;
        for (Sent s : sent) {
            if (maxSeen != Long.MIN_VALUE && s.timestamp() < maxSeen - 4 * MINUTE) late++;
            maxSeen = Math.max(maxSeen, s.timestamp());
        }
        assertThat(late).isEqualTo((int) g.totals().late());
    }

    @Test
    void theSameSeedSendsTheSameTraffic() {
        List<Sent> a = run(new Generator(settings(0.05, 0.02, 0.02), T0, END, List.of()));
        List<Sent> b = run(new Generator(settings(0.05, 0.02, 0.02), T0, END, List.of()));
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++)
            assertThat(Arrays.equals(a.get(i).value(), b.get(i).value())).isTrue();
    }

    @Test
    void recordedSeriesAreReplayedAsTheyAreWithTheirLabels() {
        Generator.Recorded r = new Generator.Recorded(
                "nab/demo", new long[] {0, 5 * MINUTE, 10 * MINUTE}, new double[] {1.5, 2.5, 3.5}, List.of(new long[] {
                    5 * MINUTE, 6 * MINUTE
                }));
        Generator g = new Generator(settings(0.5, 0.5, 0.5), T0, END, List.of(r));
        List<Sent> sent = run(g);

        assertThat(sent.stream()
                        .map(GeneratorTest::parse)
                        .filter(i -> i.isValid() && i.event.seriesKey.equals("nab/demo"))
                        .map(i -> i.event.eventTime - T0 + ":" + i.event.value))
                .containsExactly("0:1.5", "300000:2.5", "600000:3.5");
        assertThat(g.injections())
                .filteredOn(i -> i.kind() == Kind.LABELLED)
                .singleElement()
                .satisfies(i -> assertThat(i.start() - T0).isEqualTo(5 * MINUTE));
    }
}
