package io.streamwatch.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds; tests wait for outcomes, never for fixed sleeps. */
public final class Await {
    private Await() {}

    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(what, timeout, condition, () -> "");
    }

    /** As {@link #until(String, Duration, BooleanSupplier)}, saying what was seen when it times out. */
    public static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<String> seen) {
        String failure = poll(what, timeout, condition, seen);
        if (failure != null) throw new AssertionError(failure);
    }

    /**
     * As {@link #until(String, Duration, BooleanSupplier, Supplier)}, for code that is not a test (the
     * local runner drives a cluster with it): a timeout is an {@link IllegalStateException}, not a
     * failed assertion.
     */
    public static void orFail(String what, Duration timeout, BooleanSupplier condition, Supplier<String> seen) {
        String failure = poll(what, timeout, condition, seen);
        if (failure != null) throw new IllegalStateException(failure);
    }

    /** Null once the condition holds; else why it did not in time. */
    private static String poll(String what, Duration timeout, BooleanSupplier condition, Supplier<String> seen) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return "timed out after " + timeout.toSeconds() + " s waiting for " + what + "; seen: " + seen.get();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted while waiting for " + what;
            }
        }
        return null;
    }
}
