package io.streamwatch.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/** Exponential backoff with full jitter, capped, and Retry-After as a floor. */
class BackoffTest {
    private final Backoff backoff = new Backoff(1_000, 60_000);

    @Test
    void theCeilingDoublesPerRetryUpToTheCap() {
        assertThat(backoff.delayMillis(1, 0.999_999)).isEqualTo(999);
        assertThat(backoff.delayMillis(2, 0.999_999)).isEqualTo(1_999);
        assertThat(backoff.delayMillis(6, 0.999_999)).isEqualTo(31_999);
        assertThat(backoff.delayMillis(7, 0.999_999)).isEqualTo(59_999);
        assertThat(backoff.delayMillis(1_000, 0.999_999)).isEqualTo(59_999);
    }

    @Test
    void fullJitterSpreadsDelaysOverTheWholeRange() {
        assertThat(backoff.delayMillis(3, 0.0)).isZero();
        assertThat(backoff.delayMillis(3, 0.5)).isEqualTo(2_000);
    }

    @Test
    void retryAfterIsAFloorNotACeiling() {
        assertThat(backoff.delayMillis(1, 0.5, 5_000)).isEqualTo(5_000);
        assertThat(backoff.delayMillis(7, 0.5, 5_000)).isEqualTo(30_000);
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        long now = Instant.parse("2024-05-01T00:00:00Z").toEpochMilli();
        String in30s = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                Instant.ofEpochMilli(now + 30_000).atOffset(ZoneOffset.UTC));

        assertThat(HttpOutcome.retryAfterMillis("2", now)).isEqualTo(2_000);
        assertThat(HttpOutcome.retryAfterMillis(in30s, now)).isEqualTo(30_000);
        assertThat(HttpOutcome.retryAfterMillis("soon", now)).isZero();
        assertThat(HttpOutcome.retryAfterMillis("-5", now)).isZero();
    }
}
