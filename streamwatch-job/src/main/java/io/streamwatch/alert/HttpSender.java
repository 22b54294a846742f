package io.streamwatch.alert;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Sends one request with retries, never blocking the caller: the returned future completes when the
 * receiver accepted it, rejected it, or the attempts or the time ran out.
 */
final class HttpSender {

    /** How a message ended: sent or not, after how many requests, and why not. */
    record Result(boolean sent, int attempts, String reason) {}

    private final HttpClient client;
    private final DeliveryPolicy policy;
    private final Backoff backoff;
    private final Executor executor;
    private final LongSupplier clock;

    HttpSender(HttpClient client, DeliveryPolicy policy, Executor executor, LongSupplier clock) {
        this.client = client;
        this.policy = policy;
        this.backoff = policy.backoff();
        this.executor = executor;
        this.clock = clock;
    }

    /** @param deadlineMillis no attempt starts after this, and no retry is scheduled past it */
    CompletableFuture<Result> send(HttpRequest request, long deadlineMillis) {
        CompletableFuture<Result> result = new CompletableFuture<>();
        attempt(request, 1, deadlineMillis, result);
        return result;
    }

    private void attempt(HttpRequest request, int attempt, long deadline, CompletableFuture<Result> result) {
        client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .handle((response, error) -> error != null
                        ? HttpOutcome.failure(unwrap(error))
                        : HttpOutcome.of(response, clock.getAsLong()))
                .thenAccept(outcome -> {
                    switch (outcome.kind()) {
                        case ACCEPTED -> result.complete(new Result(true, attempt, null));
                        case REJECTED -> result.complete(new Result(false, attempt, "rejected: " + outcome.reason()));
                        case RETRY -> {
                            long delay = backoff.delayMillis(
                                    attempt, ThreadLocalRandom.current().nextDouble(), outcome.retryAfterMillis());
                            if (attempt >= policy.maxAttempts() || clock.getAsLong() + delay >= deadline) {
                                result.complete(new Result(
                                        false,
                                        attempt,
                                        "gave up after " + attempt + " attempt" + (attempt == 1 ? "" : "s") + ", last: "
                                                + outcome.reason()));
                            } else {
                                CompletableFuture.runAsync(
                                        () -> attempt(request, attempt + 1, deadline, result),
                                        CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, executor));
                            }
                        }
                    }
                })
                .exceptionally(error -> {
                    result.complete(new Result(false, attempt, "internal error: " + error));
                    return null;
                });
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
