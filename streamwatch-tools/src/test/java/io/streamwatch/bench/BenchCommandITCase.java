package io.streamwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.Durations;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ./streamwatch bench} on a tiny topic: every run completes (each in its own JVM, against the
 * embedded broker and PostgreSQL), the closing line has its documented form, and the runs wrote
 * their rows. No timing is asserted: figures of a run this small measure start-up only.
 */
class BenchCommandITCase {
    private static final Pattern CLOSING_LINE = Pattern.compile("^end-to-end: [\\d,]+ ev/s \\(rocksdb\\), raw: [\\d,]+"
            + " ev/s, ratio \\d+\\.\\d\\d, kafka-streams: [\\d,]+ ev/s, cpu-per-M: \\d+\\.\\d s vs \\d+\\.\\d s$");

    @Test
    void measuresEveryRunAndEndsWithTheClosingLine(@TempDir Path work) {
        StringWriter output = new StringWriter();
        int exit = new CommandLine(new BenchCommand())
                // as the launcher registers it
                .registerConverter(Duration.class, Durations::parse)
                .setOut(new PrintWriter(output, true))
                .setErr(new PrintWriter(output, true))
                .execute("--records", "20000", "--series", "100", "--work", work.toString());
        String text = output.toString();

        assertThat(exit).as(text).isZero();
        String[] lines = text.strip().split("\n");
        assertThat(lines[lines.length - 1]).as(text).matches(CLOSING_LINE);

        // the job's windows are the twin's, and those of the clock records it may have written before the run ended
        BenchInput.Counts counts = BenchInput.endingBeforeNow(20_000, 100).counts(20_000);
        long twinWindows = rows(text, "kafka-streams", "window_aggregates");
        assertThat(twinWindows).isPositive();
        for (String run : new String[] {"rocksdb", "heap"}) {
            assertThat(rows(text, run, "window_aggregates")).isBetween(twinWindows, twinWindows + 2);
            assertThat(rows(text, run, "dead_letters")).isEqualTo(counts.malformed());
            assertThat(rows(text, run, "ingest_ledger")).isPositive();
        }
        assertThat(rows(text, "kafka-streams", "dead_letters")).isEqualTo(counts.malformed());
    }

    private static long rows(String output, String run, String table) {
        Matcher m = Pattern.compile("(?m)^  " + Pattern.quote(run) + " rows: .*\\b" + table + " ([\\d,]+)")
                .matcher(output);
        assertThat(m.find()).as("%s rows of %s in:%n%s", table, run, output).isTrue();
        return Long.parseLong(m.group(1).replace(",", ""));
    }
}
