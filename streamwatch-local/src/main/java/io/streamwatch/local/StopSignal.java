package io.streamwatch.local;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * Ctrl-C asks the run to stop cleanly (stop the generator, drain the job, print the summary) instead
 * of killing the JVM, which would run the shutdown hooks and stop PostgreSQL under the summary.
 * A second Ctrl-C exits at once.
 */
final class StopSignal {
    private final CountDownLatch stop = new CountDownLatch(1);

    /** Catches Ctrl-C (SIGINT) and SIGTERM for the rest of the run. */
    static StopSignal install(Console console) {
        return install(console, "Stopping cleanly: draining the job and counting");
    }

    /** @param stopping what the run does when asked to stop, said when it is */
    static StopSignal install(Console console, String stopping) {
        StopSignal signal = new StopSignal();
        for (String name : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(name), s -> {
                if (signal.requested()) {
                    System.exit(130);
                }
                console.println(stopping + " (Ctrl-C again to quit at once)");
                signal.request();
            });
        }
        return signal;
    }

    void request() {
        stop.countDown();
    }

    boolean requested() {
        return stop.getCount() == 0;
    }

    /** Sleeps up to {@code d}; true if a stop was asked for. */
    boolean await(Duration d) throws InterruptedException {
        return stop.await(d.toMillis(), TimeUnit.MILLISECONDS);
    }
}
