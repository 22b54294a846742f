package io.streamwatch.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL 17 from zonky's embedded binaries (no Docker): what the tests
 * ({@link PostgresExtension}) and the local runner's demo both start.
 *
 * <p>Running as root: PostgreSQL refuses to run as root, so zonky starts initdb and postgres through
 * {@code unshare -U} when the JVM's uid is 0. That needs util-linux's unshare and user namespaces
 * enabled (sysctl user.max_user_namespaces > 0; Docker's default seccomp profile forbids them). When
 * they are missing the start fails with "initdb: cannot be run as root".
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    /** zonky's server trusts every local connection: this user, any password. */
    public static final String USER = "postgres";

    private final EmbeddedPostgres server;
    /** Where a server started by {@link #startIn} keeps its cluster; null for a temporary one. */
    private final Path dataDir;

    private EmbeddedPostgresServer(EmbeddedPostgres server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
    }

    /** A server in a temporary folder, deleted when it stops. */
    public static EmbeddedPostgresServer startTemporary() throws IOException {
        return new EmbeddedPostgresServer(EmbeddedPostgres.builder().start(), null);
    }

    /** A server whose cluster lives on in {@code dataDir}: initdb runs only when the folder is empty. */
    public static EmbeddedPostgresServer startIn(Path dataDir) throws IOException {
        return startIn(dataDir, freePort());
    }

    /** As {@link #startIn(Path)}, on the given port: for a server whose clients were told where it is. */
    public static EmbeddedPostgresServer startIn(Path dataDir, int port) throws IOException {
        Files.createDirectories(dataDir);
        return new EmbeddedPostgresServer(
                EmbeddedPostgres.builder()
                        .setDataDirectory(dataDir)
                        .setCleanDataDirectory(false)
                        .setPort(port)
                        .start(),
                dataDir);
    }

    /**
     * After {@link #close()}: the same cluster started again on the same port, so that clients see
     * an outage end. Only for a server from {@link #startIn}; use the returned server from then on.
     */
    public EmbeddedPostgresServer startAgain() throws IOException {
        if (dataDir == null) throw new IllegalStateException("a temporary server lost its data when it stopped");
        return startIn(dataDir, server.getPort());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Creates an empty database and returns its JDBC URL. */
    public String createDatabase(String name) throws SQLException {
        try (Connection c = server.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    public int port() {
        return server.getPort();
    }

    public String url(String database) {
        return "jdbc:postgresql://localhost:" + server.getPort() + "/" + database;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
