package io.streamwatch.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.util.PGobject;

/**
 * One database of the embedded PostgreSQL, with helpers to arrange and assert on it.
 *
 * <p>{@link #query} returns rows as column name to value, in column order, with values that assert
 * well: {@code timestamptz} as {@link java.time.Instant}, {@code json}/{@code jsonb} as their text,
 * {@code bytea} as {@code byte[]}, everything else as the driver returns it.
 */
public record TestDatabase(String url, String user, String password) {

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    /** Runs one or more statements that return no rows (DDL, inserts, drops). */
    public void execute(String sql) {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("failed: " + sql, e);
        }
    }

    public List<Map<String, Object>> query(String sql, Object... params) {
        try (Connection c = connect();
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                List<Map<String, Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int col = 1; col <= meta.getColumnCount(); col++) {
                        row.put(meta.getColumnLabel(col), value(rs, col, meta.getColumnTypeName(col)));
                    }
                    rows.add(row);
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("failed: " + sql, e);
        }
    }

    private static Object value(ResultSet rs, int col, String type) throws SQLException {
        Object value = rs.getObject(col);
        if (value == null) {
            return null;
        }
        if (type.equals("timestamptz")) {
            return rs.getObject(col, OffsetDateTime.class).toInstant();
        }
        if (value instanceof PGobject json) {
            return json.getValue();
        }
        return value;
    }
}
