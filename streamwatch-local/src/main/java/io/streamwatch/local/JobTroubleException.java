package io.streamwatch.local;

/**
 * The job failed, ended before the run did, or could not be drained: the message says how the job is
 * and the root cause of its last failure, not what Flink answered the launcher (a savepoint that
 * could not be triggered). The launcher prints it as one line and exits 1; the stack traces are in
 * the log file.
 */
final class JobTroubleException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    JobTroubleException(String what, JobHealth health) {
        super(what + ": " + health.line());
    }
}
