package io.streamwatch.local;

import java.io.PrintStream;

/**
 * The terminal: a status line that rewrites itself on a terminal (one line every ten seconds
 * otherwise, so logs of CI runs stay readable), and messages printed above it.
 */
final class Console {
    private static final long PLAIN_EVERY_NANOS = 10_000_000_000L;

    private final PrintStream out;
    private final boolean live;
    private String status = "";
    private long lastPlain = Long.MIN_VALUE;

    Console(PrintStream out, boolean live) {
        this.out = out;
        this.live = live;
    }

    static Console system() {
        return new Console(System.out, System.console() != null);
    }

    synchronized void status(String text) {
        if (live) {
            out.print("\r" + text + "\u001b[K");
            out.flush();
            status = text;
        } else if (lastPlain == Long.MIN_VALUE || System.nanoTime() - lastPlain >= PLAIN_EVERY_NANOS) {
            out.println(text);
            lastPlain = System.nanoTime();
        }
    }

    synchronized void println(String line) {
        if (live && !status.isEmpty()) out.print("\r\u001b[K");
        out.println(line);
        if (live && !status.isEmpty()) out.print(status);
        out.flush();
    }

    /** Leaves the status line as it is and moves below it. */
    synchronized void endStatus() {
        if (live && !status.isEmpty()) out.println();
        status = "";
    }
}
