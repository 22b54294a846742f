package io.streamwatch.local;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The job's {@code dead_letters} table, as the dead-letters command reads and marks it. It connects
 * as psql does, from libpq's variables, so that {@code ./streamwatch db}'s output, a shell set up for
 * psql and the notebooks all reach the same database the same way.
 */
final class DeadLetterStore implements AutoCloseable {

    /** One refused record, with its replay marks (none on a schema before migration V4). */
    record Row(
            String topic,
            int partition,
            long offset,
            Instant kafkaTimestamp,
            byte[] payload,
            String errorCode,
            String message,
            String stage,
            String exceptionClass,
            String payloadFormat,
            Instant receivedAt,
            int replayCount,
            Instant replayedAt,
            String replayedTo,
            String replayMapping) {

        /** {@code TOPIC:PARTITION@OFFSET}: how the command names a record. */
        String id() {
            return RecordId.format(topic, partition, offset);
        }

        boolean fromKafka() {
            return partition >= 0;
        }
    }

    /** What to read: codes, a topic, a time range on the record's Kafka timestamp, chosen records; at most {@code limit}. */
    record Criteria(
            List<String> codes, String topic, Instant since, Instant until, List<RecordId> records, int limit) {}

    /** A record named on the command line: {@code TOPIC:PARTITION@OFFSET}. */
    record RecordId(String topic, int partition, long offset) {
        static final String FORM = "TOPIC:PARTITION@OFFSET, such as events:0@1200";

        static RecordId parse(String text) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("([A-Za-z0-9._-]+):(-?\\d{1,9})@(\\d{1,19})")
                    .matcher(text.strip());
            if (!m.matches()) throw new LauncherException("'" + text + "' is not a record; expected " + FORM);
            return new RecordId(m.group(1), Integer.parseInt(m.group(2)), Long.parseLong(m.group(3)));
        }

        static String format(String topic, int partition, long offset) {
            return topic + ":" + partition + "@" + offset;
        }
    }

    /** The time a record is selected by: when it was written to Kafka, or when the job refused it if it had no timestamp. */
    private static final String RECORD_TIME = "coalesce(kafka_timestamp, received_at)";

    private final Connection connection;
    private final String where;
    private final boolean replayColumns;

    private DeadLetterStore(Connection connection, String where) throws SQLException {
        this.connection = connection;
        this.where = where;
        this.replayColumns = hasReplayColumns(connection);
    }

    /**
     * Connects with PGHOST (default localhost), PGPORT (5432), PGDATABASE (default: the user's
     * name), PGUSER (default: the system user), PGPASSWORD, PGOPTIONS (e.g. {@code -c
     * search_path=replay} for a schema) and PGSSLMODE, as libpq reads them.
     */
    static DeadLetterStore open(Map<String, String> environment) {
        String host = environment.getOrDefault("PGHOST", "localhost");
        if (host.startsWith("/")) {
            throw new LauncherException("PGHOST=" + host + " is a socket folder, which the JDBC driver cannot use;"
                    + " set PGHOST to a host name, such as localhost");
        }
        String port = environment.getOrDefault("PGPORT", "5432");
        String user = environment.getOrDefault("PGUSER", System.getProperty("user.name"));
        String database = environment.getOrDefault("PGDATABASE", user);
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (environment.containsKey("PGPASSWORD")) properties.setProperty("password", environment.get("PGPASSWORD"));
        if (environment.containsKey("PGOPTIONS")) properties.setProperty("options", environment.get("PGOPTIONS"));
        if (environment.containsKey("PGSSLMODE")) properties.setProperty("sslmode", environment.get("PGSSLMODE"));
        String where = host + ":" + port + "/" + database + " as " + user;
        try {
            Connection c = new org.postgresql.Driver()
                    .connect("jdbc:postgresql://" + host + ":" + port + "/" + database, properties);
            if (c == null) throw new SQLException("the driver does not take this URL");
            try {
                if (!hasTable(c)) {
                    c.close();
                    throw new LauncherException("no table dead_letters in " + where
                            + " (search_path " + searchPath(environment) + "); is this the job's database?"
                            + " Set PGDATABASE, or PGOPTIONS='-c search_path=SCHEMA' for a schema of its own");
                }
                return new DeadLetterStore(c, where);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
        } catch (SQLException e) {
            throw new LauncherException("cannot read dead letters at " + where + ": " + e.getMessage()
                    + " (set PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD as for psql;"
                    + " ./streamwatch db prints them for a demo's database)");
        }
    }

    private static String searchPath(Map<String, String> environment) {
        String options = environment.getOrDefault("PGOPTIONS", "");
        return options.contains("search_path") ? "from PGOPTIONS" : "the server's default";
    }

    private static boolean hasTable(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT to_regclass('dead_letters') IS NOT NULL");
                ResultSet r = s.executeQuery()) {
            r.next();
            return r.getBoolean(1);
        }
    }

    private static boolean hasReplayColumns(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM information_schema.columns"
                        + " WHERE table_schema = current_schema() AND table_name = 'dead_letters'"
                        + " AND column_name = 'replay_count'");
                ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1) > 0;
        }
    }

    /** Where the store reads: {@code host:port/database as user}. */
    String where() {
        return where;
    }

    /** Refuses to mark replays in a schema that cannot record them, rather than publish unmarked. */
    void requireReplayColumns() {
        if (!replayColumns) {
            throw new LauncherException("dead_letters at " + where + " has no replay columns: the schema predates"
                    + " migration V4; start the job once (it migrates at start), or apply the Flyway migrations");
        }
    }

    /** The rows that match, oldest record first, at most {@code criteria.limit()}. */
    List<Row> select(Criteria criteria, boolean includeReplayed) throws SQLException {
        Query q = query(criteria, includeReplayed);
        String replay = replayColumns
                ? "replay_count, replayed_at, replayed_to_topic || ':' || replayed_to_partition || '@' || replayed_to_offset,"
                        + " replay_mapping"
                : "0, NULL::timestamptz, NULL, NULL";
        String sql = "SELECT topic, partition, kafka_offset, kafka_timestamp, payload, error_code, message, stage,"
                + " exception_class, payload_format, received_at, " + replay + " FROM dead_letters" + q.where
                + " ORDER BY " + RECORD_TIME + ", topic, partition, kafka_offset LIMIT " + criteria.limit();
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement s = q.prepare(connection, sql);
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                rows.add(new Row(
                        r.getString(1),
                        r.getInt(2),
                        r.getLong(3),
                        instant(r, 4),
                        r.getBytes(5),
                        r.getString(6),
                        r.getString(7),
                        r.getString(8),
                        r.getString(9),
                        r.getString(10),
                        instant(r, 11),
                        r.getInt(12),
                        instant(r, 13),
                        r.getString(14),
                        r.getString(15)));
            }
        }
        return rows;
    }

    /** How many rows match, whatever the limit. */
    long count(Criteria criteria, boolean includeReplayed) throws SQLException {
        Query q = query(criteria, includeReplayed);
        try (PreparedStatement s = q.prepare(connection, "SELECT count(*) FROM dead_letters" + q.where);
                ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    /** Marks a row as re-published, once the broker acknowledged the copy. */
    void markReplayed(Row row, String topic, int partition, long offset, String mapping, Instant at)
            throws SQLException {
        try (PreparedStatement s =
                connection.prepareStatement("UPDATE dead_letters SET replay_count = replay_count + 1,"
                        + " replayed_at = ?, replayed_to_topic = ?, replayed_to_partition = ?, replayed_to_offset = ?,"
                        + " replay_mapping = ? WHERE topic = ? AND partition = ? AND kafka_offset = ?")) {
            s.setObject(1, OffsetDateTime.ofInstant(at, java.time.ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
            s.setString(2, topic);
            s.setInt(3, partition);
            s.setLong(4, offset);
            s.setString(5, mapping);
            s.setString(6, row.topic());
            s.setInt(7, row.partition());
            s.setLong(8, row.offset());
            s.executeUpdate();
        }
    }

    private record Query(String where, List<Object> params) {
        PreparedStatement prepare(Connection c, String sql) throws SQLException {
            PreparedStatement s = c.prepareStatement(sql);
            for (int i = 0; i < params.size(); i++) {
                Object p = params.get(i);
                if (p instanceof Instant t) {
                    s.setTimestamp(i + 1, Timestamp.from(t));
                } else {
                    s.setObject(i + 1, p);
                }
            }
            return s;
        }
    }

    private Query query(Criteria criteria, boolean includeReplayed) {
        List<String> conditions = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (!criteria.codes().isEmpty()) {
            conditions.add("error_code IN ("
                    + String.join(", ", criteria.codes().stream().map(c -> "?").toList()) + ")");
            params.addAll(criteria.codes());
        }
        if (criteria.topic() != null) {
            conditions.add("topic = ?");
            params.add(criteria.topic());
        }
        if (criteria.since() != null) {
            conditions.add(RECORD_TIME + " >= ?");
            params.add(criteria.since());
        }
        if (criteria.until() != null) {
            conditions.add(RECORD_TIME + " < ?");
            params.add(criteria.until());
        }
        if (!criteria.records().isEmpty()) {
            List<String> any = new ArrayList<>();
            for (RecordId id : criteria.records()) {
                any.add("(topic = ? AND partition = ? AND kafka_offset = ?)");
                params.add(id.topic());
                params.add(id.partition());
                params.add(id.offset());
            }
            conditions.add("(" + String.join(" OR ", any) + ")");
        }
        if (!includeReplayed && replayColumns) conditions.add("replay_count = 0");
        return new Query(conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions), params);
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        OffsetDateTime t = r.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
