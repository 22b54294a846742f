package io.streamwatch.local;

import io.streamwatch.testkit.EmbeddedPostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./streamwatch db}: starts the PostgreSQL that demo runs kept in the data folder, so that
 * their tables can be queried (psql, the notebooks) after the demo ended, and prints how to connect
 * as libpq's variables, which psql and psycopg2 read by themselves.
 */
@Command(
        name = "db",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Starts the PostgreSQL the demo keeps in --data and prints the PG* variables to reach a run's database (psql, notebooks/). Serves until Ctrl-C.")
final class Db implements Callable<Integer> {
    @Option(
            names = "--data",
            paramLabel = "DIR",
            defaultValue = "${env:STREAMWATCH_DATA:-local-data}",
            description = "the demo's data folder, or set STREAMWATCH_DATA (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(
            names = "--run",
            paramLabel = "RUN",
            description = "the run whose database the variables name, e.g. run_20240501_120000 (default: the latest)")
    String run;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            defaultValue = "0",
            description = "port to serve on, 0 = any free port (default: ${DEFAULT-VALUE})")
    int port;

    /** The server started on the kept cluster, and the database of the chosen run. */
    record Opened(EmbeddedPostgresServer server, String database, List<String> runs) implements AutoCloseable {
        /** libpq's connection variables: psql and psycopg2 connect with them and no arguments. */
        Map<String, String> environment() {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("PGHOST", "localhost");
            env.put("PGPORT", String.valueOf(server.port()));
            env.put("PGUSER", EmbeddedPostgresServer.USER);
            env.put("PGDATABASE", database);
            return env;
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    @Override
    public Integer call() throws Exception {
        DataDir dir = DataDir.open(data, false);
        Launcher.logTo(dir.logFile());
        Opened opened = open(dir);
        // Ctrl-C ends the JVM (exit code 130); the hook stops PostgreSQL cleanly first, so the cluster stays usable
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                opened.close();
            } catch (IOException e) {
                System.err.println("streamwatch db: PostgreSQL did not stop cleanly: " + e.getMessage());
            }
        }));
        System.out.println("PostgreSQL of " + dir.root() + " on port "
                + opened.server().port() + "; runs: " + String.join(", ", opened.runs()));
        StringBuilder exports = new StringBuilder("export");
        opened.environment()
                .forEach((k, v) -> exports.append(' ').append(k).append('=').append(v));
        System.out.println(exports);
        System.out.println("JDBC: " + opened.server().url(opened.database()) + " (user " + EmbeddedPostgresServer.USER
                + ", no password)");
        System.out.println("Serving until Ctrl-C.");
        for (; ; ) Thread.sleep(Long.MAX_VALUE);
    }

    /** Starts the kept cluster and picks the run's database; the caller closes it. */
    Opened open(DataDir dir) throws IOException, SQLException {
        TrafficOptions.atLeast("port", port, 0);
        Path cluster = dir.postgres();
        if (!Files.exists(cluster.resolve("PG_VERSION"))) {
            throw new LauncherException(
                    "no PostgreSQL data in " + cluster + ": run ./streamwatch demo first (with the same --data)");
        }
        EmbeddedPostgresServer server =
                port == 0 ? EmbeddedPostgresServer.startIn(cluster) : EmbeddedPostgresServer.startIn(cluster, port);
        try {
            List<String> runs = runDatabases(server);
            if (runs.isEmpty()) {
                throw new LauncherException(
                        "the PostgreSQL in " + cluster + " holds no run's database: run ./streamwatch demo first");
            }
            String database = run == null ? runs.get(runs.size() - 1) : run;
            if (!runs.contains(database)) {
                throw new LauncherException(
                        "no database " + database + " in " + cluster + "; runs: " + String.join(", ", runs));
            }
            return new Opened(server, database, runs);
        } catch (RuntimeException | SQLException e) {
            server.close();
            throw e;
        }
    }

    /** The databases demo runs created, oldest first: their names sort by start time. */
    private static List<String> runDatabases(EmbeddedPostgresServer server) throws SQLException {
        List<String> runs = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(server.url("postgres"), EmbeddedPostgresServer.USER, "");
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(
                        "SELECT datname FROM pg_database WHERE datname LIKE 'run\\_%' ORDER BY datname")) {
            while (r.next()) runs.add(r.getString(1));
        }
        return runs;
    }
}
