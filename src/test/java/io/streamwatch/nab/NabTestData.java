package io.streamwatch.nab;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the test fixtures and the shared NAB data live. */
final class NabTestData {

    private NabTestData() {}

    /** The shared NAB folder ({@code -Dnab.dir}, default /work/shared/nab); skips the test if absent. */
    static Path realNab() {
        Path dir = Path.of(System.getProperty("nab.dir", "/work/shared/nab"));
        assumeTrue(Files.isDirectory(dir.resolve("data")), "NAB data not found at " + dir);
        return dir;
    }

    /** src/test/resources/nab: one tiny series with two windows. */
    static Path fixtures() {
        try {
            return Path.of(NabTestData.class.getResource("/nab/windows.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
