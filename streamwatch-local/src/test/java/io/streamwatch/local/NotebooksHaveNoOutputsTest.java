package io.streamwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The notebooks are committed without what a run put in them: outputs are build output (large,
 * data of one machine's run) and belong in target/, where NotebooksITCase writes the executed ones.
 */
class NotebooksHaveNoOutputsTest {

    @Test
    void everyCodeCellIsUnexecuted() throws IOException {
        List<Path> notebooks;
        try (Stream<Path> files = Files.list(Launcher.home().resolve("notebooks"))) {
            notebooks =
                    files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
        assertThat(notebooks)
                .extracting(p -> p.getFileName().toString())
                .contains("run-analysis.ipynb", "detector-backtest.ipynb");
        ObjectMapper json = new ObjectMapper();
        for (Path notebook : notebooks) {
            JsonNode cells = json.readTree(notebook.toFile()).path("cells");
            assertThat(cells.size()).as(notebook.toString()).isPositive();
            for (JsonNode cell : cells) {
                if (!cell.path("cell_type").asText().equals("code")) continue;
                String where =
                        notebook.getFileName() + ", cell " + cell.path("id").asText()
                                + ": clear its outputs before committing (jupyter nbconvert --clear-output --inplace "
                                + notebook.getFileName() + ")";
                assertThat(cell.path("outputs").isArray()).as(where).isTrue();
                assertThat(cell.path("outputs").size()).as(where).isZero();
                assertThat(cell.path("execution_count").isNull()).as(where).isTrue();
            }
        }
    }
}
