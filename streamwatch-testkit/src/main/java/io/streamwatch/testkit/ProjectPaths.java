package io.streamwatch.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files the tests read from the checkout (conf/, other modules' fixtures) and the shared NAB data
 * beside it. The build passes the checkout's folder as {@code -Dstreamwatch.root}; a test that cannot
 * find what it needs fails and says what to pass, instead of skipping.
 */
public final class ProjectPaths {
    private ProjectPaths() {}

    /** The checkout's top folder, where pom.xml, conf/ and the modules are. */
    public static Path root() {
        String root = System.getProperty("streamwatch.root");
        if (root == null || !Files.isRegularFile(Path.of(root, "pom.xml"))) {
            throw new IllegalStateException("system property streamwatch.root must name the checkout's top folder"
                    + " (Maven sets it; from an IDE pass -Dstreamwatch.root=/path/to/streamwatch), was " + root);
        }
        return Path.of(root).toAbsolutePath().normalize();
    }

    /** A path relative to the checkout's top folder, e.g. {@code conf/streamwatch.yaml}. */
    public static Path resolve(String relative) {
        return root().resolve(relative);
    }

    /** The labelled NAB subset: {@code -Dnab.dir}, else {@code ../shared/nab} beside the checkout. */
    public static Path sharedNab() {
        String given = System.getProperty("nab.dir");
        Path dir =
                given != null ? Path.of(given) : root().resolveSibling("shared").resolve("nab");
        if (!Files.isDirectory(dir.resolve("data"))) {
            throw new IllegalStateException("the NAB data is not at " + dir + " (expected data/ and labels/ there);"
                    + " pass -Dnab.dir=/path/to/nab");
        }
        return dir;
    }
}
