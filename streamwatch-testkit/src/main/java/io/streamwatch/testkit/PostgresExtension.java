package io.streamwatch.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL 17 (zonky's embedded binaries, no Docker), started once per JVM on first use
 * and stopped when JUnit closes its root store after the last test class.
 *
 * <pre>{@code
 * @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
 * TestDatabase db = POSTGRES.createDatabase("replay");
 * }</pre>
 * See {@link EmbeddedPostgresServer} for what running as root needs.
 */
public final class PostgresExtension implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(PostgresExtension.class);
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private EmbeddedPostgresServer server;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(Server.class, key -> Server.start(), Server.class)
                .postgres();
    }

    /** A new, empty database of its own, so that tests neither see nor disturb each other's rows. */
    public TestDatabase createDatabase(String prefix) {
        String name = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_") + "_" + DATABASES.incrementAndGet();
        try {
            return new TestDatabase(server.createDatabase(name), EmbeddedPostgresServer.USER, "");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
    }

    private record Server(EmbeddedPostgresServer postgres) implements AutoCloseable {
        static Server start() {
            try {
                return new Server(EmbeddedPostgresServer.startTemporary());
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
