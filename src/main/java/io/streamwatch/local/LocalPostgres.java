package io.streamwatch.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL 17 from zonky's embedded binaries, its cluster in a folder that later runs
 * reuse (zonky runs initdb only on an empty folder). As root it starts through {@code unshare -U},
 * see the test utilities' PostgresExtension.
 */
public final class LocalPostgres implements AutoCloseable {
    /** zonky's server trusts local connections: this user, any password. */
    public static final String USER = "postgres";

    private final EmbeddedPostgres server;

    private LocalPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    public static LocalPostgres start(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        return new LocalPostgres(EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPort(freePort())
                .start());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Creates a database (a run's own, so its counts are its own) and returns its JDBC URL. */
    public String createDatabase(String name) throws SQLException {
        try (Connection c = server.getPostgresDatabase().getConnection();
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    public String url(String database) {
        return "jdbc:postgresql://localhost:" + server.getPort() + "/" + database;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
