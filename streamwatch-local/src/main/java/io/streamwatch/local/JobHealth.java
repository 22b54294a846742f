package io.streamwatch.local;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.util.SerializedThrowable;

/**
 * How the job is doing, in one line for the status line, the log and the summary: its state as Flink
 * reports it, how often it restarted, and the root cause of its last failure, e.g. {@code job
 * RESTARTING (restarts 3; last failure: IllegalArgumentException: no value)}.
 *
 * @param state the job's state as Flink reports it
 * @param restarts Flink's {@code numRestarts} of the job
 * @param lastFailure the root cause of the last failure as {@link #rootCause} gives it; null if it never failed
 */
public record JobHealth(JobStatus state, long restarts, String lastFailure) {
    /** A status line stays readable; the whole stack trace is in the log file and the web UI. */
    static final int MAX_CAUSE_LENGTH = 160;

    private static final int MAX_CAUSE_DEPTH = 64;

    public boolean troubled() {
        return restarts > 0 || lastFailure != null;
    }

    /** For the status line and the log: {@code job RUNNING}, or with {@link #details()} in brackets. */
    public String line() {
        return troubled() ? "job " + state + " (" + details() + ")" : "job " + state;
    }

    /** {@code restarts 3; last failure: IllegalArgumentException: ...} (or {@code no restarts}). */
    public String details() {
        String count = restarts == 0 ? "no restarts" : "restarts " + restarts;
        return lastFailure == null ? count : count + "; last failure: " + lastFailure;
    }

    /**
     * The deepest cause of a failure that has a message (else the deepest), as its class's simple name
     * and the first line of its message, at most {@link #MAX_CAUSE_LENGTH} characters. Flink wraps what
     * failed (a task's exception, "Recovery is suppressed by ..."), so the deepest cause is the one
     * that says what went wrong. Flink hands failures over as {@link SerializedThrowable}s: their
     * class name is the original's.
     */
    public static String rootCause(Throwable failure) {
        Throwable deepest = failure;
        Throwable withMessage = message(failure) != null ? failure : null;
        for (int depth = 0;
                deepest.getCause() != null && deepest.getCause() != deepest && depth < MAX_CAUSE_DEPTH;
                depth++) {
            deepest = deepest.getCause();
            if (message(deepest) != null) withMessage = deepest;
        }
        Throwable root = withMessage != null ? withMessage : deepest;
        String name = className(root);
        String message = message(root);
        String text = name.substring(name.lastIndexOf('.') + 1)
                + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
        return text.length() <= MAX_CAUSE_LENGTH ? text : text.substring(0, MAX_CAUSE_LENGTH - 1) + "…";
    }

    private static String className(Throwable t) {
        return t instanceof SerializedThrowable s
                ? s.getOriginalErrorClassName()
                : t.getClass().getName();
    }

    /** The original message, stripped; null if there is none. */
    private static String message(Throwable t) {
        String message = t.getMessage();
        // a SerializedThrowable's message is the original's "class: message"
        if (t instanceof SerializedThrowable && message != null && message.startsWith(className(t))) {
            message = message.substring(className(t).length()).replaceFirst("^: ", "");
        }
        return message == null || message.isBlank() ? null : message.strip();
    }
}
