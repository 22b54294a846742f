package io.streamwatch.testutils;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL 17 (zonky's embedded binaries, no Docker), started once per JVM on first use
 * and stopped when JUnit closes its root store after the last test class.
 *
 * <pre>{@code
 * @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
 * TestDatabase db = POSTGRES.createDatabase("replay");
 * }</pre>
 *
 * <p>Running as root: PostgreSQL refuses to run as root, so zonky starts initdb and postgres through
 * {@code unshare -U} when the JVM's uid is 0. That needs util-linux's unshare and user namespaces
 * enabled (sysctl user.max_user_namespaces > 0; Docker's default seccomp profile forbids them). When
 * they are missing the start fails with "initdb: cannot be run as root".
 */
public final class PostgresExtension implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(PostgresExtension.class);
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private EmbeddedPostgres server;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Server.class, key -> Server.start(), Server.class)
                .postgres();
    }

    /** A new, empty database of its own, so that tests neither see nor disturb each other's rows. */
    public TestDatabase createDatabase(String prefix) {
        String name = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_")
                + "_" + DATABASES.incrementAndGet();
        try (Connection c = server.getPostgresDatabase().getConnection();
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        // zonky's server trusts every local connection: any password is accepted
        return new TestDatabase(
                "jdbc:postgresql://localhost:" + server.getPort() + "/" + name, "postgres", "");
    }

    private record Server(EmbeddedPostgres postgres) implements AutoCloseable {
        static Server start() {
            try {
                return new Server(EmbeddedPostgres.builder().start());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
        }

        @Override
        public void close() throws IOException {
            postgres.close();
        }
    }


}
