package io.streamwatch.sink;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Creates and checks the tables the sinks write, before the job starts: a wrong schema should stop
 * the submission with a message, not surface later as a sink failing and restarting forever.
 */
public final class SchemaManager {

    /** Where the Flyway migrations are, in the source tree and in the job jar. */
    public static final String MIGRATIONS = "classpath:db/migration";

    private static final String FIX = "Run the job with sink.jdbc.migrate=true, or apply the Flyway"
            + " migrations in src/main/resources/db/migration (db/migration in the job jar).";

    private SchemaManager() {}

    /**
     * Brings the schema to the latest migration with Flyway; does nothing on an up-to-date schema.
     *
     * @return the number of migrations applied
     * @throws SchemaException if the database is unreachable or a migration fails
     */
    public static int migrate(JdbcSettings settings) {
        try (Connection ignored = connect(settings)) {
            // connecting first turns an unreachable database into our message, not Flyway's
        } catch (SQLException e) {
            throw unreachable(settings, e);
        }
        try {
            return Flyway.configure(SchemaManager.class.getClassLoader())
                    .dataSource(settings.url(), settings.user(), settings.password())
                    .locations(MIGRATIONS)
                    .load()
                    .migrate()
                    .migrationsExecuted;
        } catch (FlywayException e) {
            throw new SchemaException(
                    "Migrating the schema at " + settings.redactedUrl() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Checks that every table the sinks write exists in the connection's current schema with the
     * columns the statements name and a unique constraint on the natural key their ON CONFLICT
     * needs.
     *
     * @throws SchemaException listing everything missing, or if the database is unreachable
     */
    public static void verify(JdbcSettings settings) {
        verify(settings, List.of());
    }

    /** As {@link #verify(JdbcSettings)}, also checking tables that other writers of the job use. */
    public static void verify(JdbcSettings settings, List<SinkTable> otherTables) {
        List<SinkTable> tables = new ArrayList<>();
        SinkStatements.ALL.forEach(statement -> tables.add(statement.table()));
        tables.addAll(otherTables);
        List<String> problems;
        String schema;
        try (Connection connection = connect(settings)) {
            schema = currentSchema(connection);
            problems = problems(connection, tables);
        } catch (SQLException e) {
            throw unreachable(settings, e);
        }
        if (!problems.isEmpty()) {
            throw new SchemaException("The database at " + settings.redactedUrl() + " (schema "
                    + schema + ") is not ready for the Streamwatch sinks:\n  - "
                    + String.join("\n  - ", problems) + "\n" + FIX);
        }
    }

    private static List<String> problems(Connection connection, List<SinkTable> tables) throws SQLException {
        Map<String, Set<String>> columns = new HashMap<>();
        forEachRow(
                connection,
                "SELECT table_name, column_name FROM information_schema.columns"
                        + " WHERE table_schema = current_schema()",
                row -> columns.computeIfAbsent(row.getString(1), t -> new HashSet<>())
                        .add(row.getString(2)));
        // ON CONFLICT (cols) needs a unique index on exactly those columns that is valid, not
        // partial, not on expressions and not deferrable
        Map<String, List<Set<String>>> uniqueKeys = new HashMap<>();
        forEachRow(
                connection,
                "SELECT t.relname, array_agg(a.attname::text)"
                        + " FROM pg_index i"
                        + " JOIN pg_class t ON t.oid = i.indrelid"
                        + " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY (i.indkey)"
                        + " WHERE t.relnamespace = current_schema()::regnamespace"
                        + " AND i.indisunique AND i.indisvalid AND i.indimmediate"
                        + " AND i.indpred IS NULL AND i.indexprs IS NULL"
                        + " GROUP BY i.indexrelid, t.relname",
                row -> uniqueKeys
                        .computeIfAbsent(row.getString(1), t -> new ArrayList<>())
                        .add(Set.of((String[]) row.getArray(2).getArray())));

        List<String> problems = new ArrayList<>();
        for (SinkTable table : tables) {
            Set<String> present = columns.get(table.name());
            if (present == null) {
                problems.add("table " + table.name() + " is missing");
                continue;
            }
            List<String> missing =
                    table.columns().stream().filter(c -> !present.contains(c)).toList();
            if (!missing.isEmpty()) {
                problems.add("table " + table.name() + " lacks column" + (missing.size() > 1 ? "s " : " ")
                        + String.join(", ", missing));
            }
            if (!uniqueKeys.getOrDefault(table.name(), List.of()).contains(Set.copyOf(table.key()))) {
                problems.add("table " + table.name() + " lacks a unique constraint on ("
                        + String.join(", ", table.key()) + ")");
            }
        }
        return problems;
    }

    private static String currentSchema(Connection connection) throws SQLException {
        List<String> schema = new ArrayList<>();
        forEachRow(connection, "SELECT current_schema()", row -> schema.add(row.getString(1)));
        return schema.get(0);
    }

    private interface RowConsumer {
        void accept(ResultSet row) throws SQLException;
    }

    private static void forEachRow(Connection connection, String sql, RowConsumer consumer) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rows = s.executeQuery(sql)) {
            while (rows.next()) {
                consumer.accept(rows);
            }
        }
    }

    private static Connection connect(JdbcSettings settings) throws SQLException {
        Properties properties = new Properties();
        if (settings.user() != null) {
            properties.setProperty("user", settings.user());
        }
        if (settings.password() != null) {
            properties.setProperty("password", settings.password());
        }
        // the driver directly, not DriverManager, which may not see drivers of Flink's job class loader
        return new org.postgresql.Driver().connect(settings.url(), properties);
    }

    private static SchemaException unreachable(JdbcSettings settings, SQLException e) {
        return new SchemaException(
                "Cannot use the database at " + settings.redactedUrl() + " as user " + settings.user() + ": "
                        + e.getMessage(),
                e);
    }
}
