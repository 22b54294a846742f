package io.streamwatch.local;

/** A problem the user can fix (a bad flag, a port in use, a system out of reach): printed as one line. */
public class LauncherException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LauncherException(String message) {
        super(message);
    }
}
