package io.streamwatch.nab;

import io.streamwatch.testkit.ProjectPaths;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Where the test fixtures and the shared NAB data live. */
final class NabTestData {

    private NabTestData() {}

    /** The shared NAB folder; fails, saying what to pass, when it is missing (see {@link ProjectPaths#sharedNab}). */
    static Path realNab() {
        return ProjectPaths.sharedNab();
    }

    /** src/test/resources/nab: one tiny series with two windows. */
    static Path fixtures() {
        try {
            return Path.of(NabTestData.class.getResource("/nab/windows.json").toURI())
                    .getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
