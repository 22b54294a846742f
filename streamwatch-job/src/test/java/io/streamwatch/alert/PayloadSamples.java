package io.streamwatch.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Keeps payloads the stubs accepted in target/alert-payloads, for docs/alerting.md to show real ones. */
final class PayloadSamples {
    private static final Path DIR = Path.of("target", "alert-payloads");

    private PayloadSamples() {}

    static void record(String name, JsonNode payload) {
        try {
            Files.createDirectories(DIR);
            Files.writeString(
                    DIR.resolve(name + ".json"),
                    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(payload));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
