package io.streamwatch.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;

/**
 * Binds a statement's parameters in order, so a binder reads as the list of its columns, and maps
 * our values to PostgreSQL's: epoch milliseconds to timestamptz at UTC (never the JVM's zone),
 * doubles as they are (float8 holds NaN and ±Infinity), nulls typed, maps as jsonb.
 *
 * <p>PostgreSQL text cannot hold U+0000 (and jsonb rejects the escape for it), so a NUL character
 * in any string is stored as U+FFFD: a record carrying one must not stop the job.
 */
final class Params {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PreparedStatement statement;
    private int next = 1;

    Params(PreparedStatement statement) {
        this.statement = statement;
    }

    Params text(String value) throws SQLException {
        if (value == null) {
            statement.setNull(next++, Types.VARCHAR);
        } else {
            statement.setString(next++, withoutNul(value));
        }
        return this;
    }

    Params int4(int value) throws SQLException {
        statement.setInt(next++, value);
        return this;
    }

    Params int8(long value) throws SQLException {
        statement.setLong(next++, value);
        return this;
    }

    Params float8(Double value) throws SQLException {
        if (value == null) {
            statement.setNull(next++, Types.DOUBLE);
        } else {
            statement.setDouble(next++, value);
        }
        return this;
    }

    /** Epoch milliseconds as timestamptz. */
    Params instant(Long epochMillis) throws SQLException {
        if (epochMillis == null) {
            statement.setNull(next++, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(
                    next++,
                    OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC),
                    Types.TIMESTAMP_WITH_TIMEZONE);
        }
        return this;
    }

    Params bytes(byte[] value) throws SQLException {
        statement.setBytes(next++, value);
        return this;
    }

    /** String attributes as a jsonb object, keys sorted so equal maps give equal text. */
    Params json(Map<String, String> value) throws SQLException {
        if (value == null) {
            statement.setNull(next++, Types.OTHER);
            return this;
        }
        Map<String, String> clean = new TreeMap<>();
        value.forEach((k, v) -> clean.put(withoutNul(k), v == null ? null : withoutNul(v)));
        try {
            // Types.OTHER lets the server type the parameter from the jsonb column
            statement.setObject(next++, JSON.writeValueAsString(clean), Types.OTHER);
        } catch (JsonProcessingException e) {
            throw new SQLException("cannot write attributes as JSON", e);
        }
        return this;
    }

    private static String withoutNul(String s) {
        return s.replace('\u0000', '\uFFFD');
    }
}
