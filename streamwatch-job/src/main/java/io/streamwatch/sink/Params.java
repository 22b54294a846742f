package io.streamwatch.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamwatch.model.SafeText;
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
 * <p>Strings are bound exactly as they are. The event contract refuses what PostgreSQL's text
 * cannot hold (NUL, unpaired surrogates); should such a string reach a sink anyway, the server
 * refuses the row (SQLSTATE class 22) and {@link UpsertSink} dead-letters it, rather than a
 * replacement character changing the key silently.
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
            statement.setString(next++, storable(value));
        }
        return this;
    }

    /**
     * The string itself, or a refusal with SQLSTATE 22021 (character not in repertoire): the server
     * refuses NUL itself, but a lone surrogate the driver would silently send as '?'.
     */
    private static String storable(String value) throws SQLException {
        int at = SafeText.firstUnstorable(value);
        if (at < 0) return value;
        throw new SQLException(
                String.format(
                        "text holds U+%04X at index %d, which PostgreSQL cannot store unchanged: %s",
                        (int) value.charAt(at),
                        at,
                        SafeText.escape(value.length() > 80 ? value.substring(0, 80) + "…" : value)),
                "22021");
    }

    Params int4(int value) throws SQLException {
        statement.setInt(next++, value);
        return this;
    }

    Params int8(Long value) throws SQLException {
        if (value == null) {
            statement.setNull(next++, Types.BIGINT);
        } else {
            statement.setLong(next++, value);
        }
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
        try {
            // Types.OTHER lets the server type the parameter from the jsonb column
            for (Map.Entry<String, String> e : value.entrySet()) {
                storable(e.getKey());
                if (e.getValue() != null) storable(e.getValue());
            }
            statement.setObject(next++, JSON.writeValueAsString(new TreeMap<>(value)), Types.OTHER);
        } catch (JsonProcessingException e) {
            throw new SQLException("cannot write attributes as JSON", e);
        }
        return this;
    }
}
