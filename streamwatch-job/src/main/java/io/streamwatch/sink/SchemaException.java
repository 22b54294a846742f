package io.streamwatch.sink;

/** The database is unreachable or its schema does not fit the sinks; the message says what to do. */
public class SchemaException extends RuntimeException {
    public SchemaException(String message) {
        super(message);
    }

    public SchemaException(String message, Throwable cause) {
        super(message, cause);
    }
}
