package io.streamwatch.testutils;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.tukaani.xz.XZInputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

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
                unpackBinariesForZonky();
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

    /**
     * Works around a classpath clash: zonky unpacks its binaries with commons-compress 1.28, which
     * calls commons-io 2.16+, but Flink's test jars make Maven pick commons-io 2.15.1, so zonky's
     * own unpacking dies with NoSuchMethodError FileTimes.fromUnixTime. We unpack the archive into
     * the folder zonky looks in (its working directory, "PG-" + MD5 of the archive, marked ready by
     * a ".exists" file) and zonky then skips its unpacking. Delete this once the pom manages
     * commons-io to 2.16 or later for tests.
     */
    private static void unpackBinariesForZonky() throws IOException {
        byte[] archive;
        try (InputStream in = EmbeddedPostgres.class.getResourceAsStream("/postgres-linux-x86_64.txz")) {
            if (in == null) {
                return; // another platform: leave it to zonky
            }
            archive = in.readAllBytes();
        }
        Path workDir = Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg");
        Path target = workDir.resolve("PG-" + md5(archive));
        if (Files.exists(target.resolve(".exists"))) {
            return;
        }
        Files.createDirectories(workDir);
        // unpack beside the target and rename, so a concurrent JVM never sees a half-unpacked folder
        Path staging = Files.createTempDirectory(workDir, "unpacking-");
        Process tar = new ProcessBuilder("tar", "-x", "-f", "-", "-C", staging.toString())
                .redirectErrorStream(true).start();
        try (InputStream xz = new XZInputStream(new ByteArrayInputStream(archive));
             OutputStream stdin = tar.getOutputStream()) {
            xz.transferTo(stdin);
        }
        try {
            String output = new String(tar.getInputStream().readAllBytes());
            if (tar.waitFor() != 0) {
                throw new IOException("tar failed unpacking PostgreSQL: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while unpacking PostgreSQL", e);
        }
        Files.createFile(staging.resolve(".exists"));
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            // zonky trusts the marker only if it is newer than the folder, which the move may touch
            target.resolve(".exists").toFile().setLastModified(System.currentTimeMillis() + 1000);
        } catch (IOException raced) {
            if (!Files.exists(target.resolve(".exists"))) {
                throw raced;
            }
            try (Stream<Path> leftovers = Files.walk(staging)) {
                leftovers.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
