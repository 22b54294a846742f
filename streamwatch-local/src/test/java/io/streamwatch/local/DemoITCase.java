package io.streamwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.local.Generator.Kind;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo as a user runs it, for 60 s, in this JVM: embedded Kafka and PostgreSQL, the job in a local
 * Flink cluster, the generator. The job must not restart, the summary must reconcile exactly and
 * account for every injected anomaly of the easy kinds; the web UI must answer while the job runs.
 *
 * <p>Accounted for: found, or hidden. A detector's false alarm on a series keeps an injection into it
 * from opening another anomaly (detection quality is measured on NAB, docs/detection-quality.md; an
 * earlier default, with a precision of about 0.1 here, hid a spike in 2 of 7 runs). An injection
 * counts as hidden only if it kept that alarm open ({@link Scoring}); one the detectors scored as
 * normal is a miss, and fails the test.
 */
class DemoITCase {
    private static final Pattern WEB_UI = Pattern.compile("Flink web UI: (http://localhost:\\d+)");

    @TempDir
    Path data;

    @Test
    void aMinuteOfDemoReconcilesAndFindsTheEasyAnomalies() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        CompletableFuture<String> jobs = new CompletableFuture<>();
        Console console =
                new Console(new PrintStream(new WebUiProbe(printed, jobs), true, StandardCharsets.UTF_8), false);

        Summary summary = Launcher.parse(new Demo(), "--duration", "60s", "--web-port", "0", "--data", data.toString())
                .run(console, new StopSignal());

        String text = summary.render();
        System.out.println(text);
        // no failure was injected: a restart would be a bug, and its replays would spoil the counts
        assertThat(summary.job().restarts()).as(text).isZero();
        assertThat(summary.job().lastFailure()).as(text).isNull();
        assertThat(summary.reconciles()).as(text).isTrue();
        assertThat(summary.produced()).as(text).isGreaterThan(25_000);
        assertThat(summary.invalid()).as(text).isPositive();
        assertThat(summary.duplicates()).as(text).isPositive();
        // late by the data, not by timing: the generator's late points (beyond the allowed lateness) and no others
        assertThat(summary.lateDropped())
                .as(text)
                .isPositive()
                .isEqualTo(summary.sent().late());
        for (Kind kind : new Kind[] {Kind.SPIKE, Kind.LEVEL_SHIFT, Kind.DROPOUT}) {
            Scoring.KindScore score = summary.scoring().kind(kind);
            assertThat(score.injected()).as(kind + "\n" + text).isPositive();
            assertThat(score.pending()).as(kind + "\n" + text).isZero();
            assertThat(score.found() + score.hidden())
                    .as("every " + kind + " found or hidden\n" + text)
                    .isEqualTo(score.injected());
        }
        assertThat(jobs.getNow("the web UI was never announced")).contains("\"status\":\"RUNNING\"");
        assertThat(Files.readString(Path.of(summary.where().runDir(), "summary.txt")))
                .isEqualTo(text);
        assertThat(Files.readAllLines(Path.of(summary.where().runDir(), "truth.csv")))
                .first()
                .isEqualTo("kind,series_key,start,end,judgeable_at");
    }

    /** Keeps what the demo prints and, once it names the web UI, asks the UI for its jobs. */
    private static final class WebUiProbe extends OutputStream {
        private final ByteArrayOutputStream printed;
        private final CompletableFuture<String> jobs;

        WebUiProbe(ByteArrayOutputStream printed, CompletableFuture<String> jobs) {
            this.printed = printed;
            this.jobs = jobs;
        }

        @Override
        public void write(int b) {
            printed.write(b);
            if (b != '\n' || jobs.isDone()) return;
            Matcher m = WEB_UI.matcher(printed.toString(StandardCharsets.UTF_8));
            if (!m.find()) return;
            try {
                HttpResponse<String> response = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(m.group(1) + "/jobs"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                jobs.complete(response.body());
            } catch (Exception e) {
                jobs.complete("no answer: " + e);
            }
        }
    }
}
