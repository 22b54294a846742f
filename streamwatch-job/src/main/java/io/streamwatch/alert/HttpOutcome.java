package io.streamwatch.alert;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * What a receiver's answer means for the message. Slack and PagerDuty agree: 2xx accepted (Slack
 * 200, PagerDuty 202); 429 (rate limited), 408 and 5xx are worth retrying, after Retry-After if
 * given; any other 4xx (PagerDuty 400 invalid event, Slack 400 invalid_payload, 403, 404 no_service,
 * 410 channel gone) will fail the same way again: a dead letter at once.
 */
record HttpOutcome(Kind kind, String reason, long retryAfterMillis) {
    enum Kind {
        ACCEPTED,
        RETRY,
        REJECTED
    }

    static final int BODY_IN_REASON = 300;

    static HttpOutcome of(HttpResponse<String> response, long nowMillis) {
        int status = response.statusCode();
        String reason = "HTTP " + status
                + (response.body() == null || response.body().isBlank()
                        ? ""
                        : ": " + AlertText.limit(response.body().strip(), BODY_IN_REASON));
        if (status >= 200 && status < 300) return new HttpOutcome(Kind.ACCEPTED, null, 0);
        if (status == 429 || status == 408 || status >= 500) {
            long after = response.headers()
                    .firstValue("Retry-After")
                    .map(v -> retryAfterMillis(v, nowMillis))
                    .orElse(0L);
            return new HttpOutcome(Kind.RETRY, reason, after);
        }
        return new HttpOutcome(Kind.REJECTED, reason, 0);
    }

    /** No answer in time, no connection: the receiver may still come back. */
    static HttpOutcome failure(Throwable error) {
        String what = error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
        return new HttpOutcome(Kind.RETRY, AlertText.limit(what, BODY_IN_REASON), 0);
    }

    /** Retry-After is delay-seconds or an HTTP date (RFC 9110); anything else is ignored. */
    static long retryAfterMillis(String value, long nowMillis) {
        String v = value.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v))).toMillis();
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                return Math.max(0, at.toEpochMilli() - nowMillis);
            } catch (DateTimeParseException notDate) {
                return 0;
            }
        }
    }
}
