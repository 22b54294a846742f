package io.streamwatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** The jar users submit: the job and its connectors, nothing of the local runner, the tools or a test server. */
class JobJarITCase {
    private static final Path JAR = Path.of(System.getProperty("job.jar", "(set by the build)"));

    @Test
    void theIntegrationTestsRunOnTheBuiltJar() throws Exception {
        Path loadedFrom = Path.of(StreamwatchJob.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        assertThat(loadedFrom)
                .as("where the job's classes come from in these tests")
                .isEqualTo(JAR.toAbsolutePath());
    }

    @Test
    void theJarHoldsTheJobAndItsConnectorsOnly() throws IOException {
        assertThat(JAR).exists();
        List<String> entries;
        try (JarFile jar = new JarFile(JAR.toFile())) {
            entries = jar.stream().map(ZipEntry::getName).toList();
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo(StreamwatchJob.class.getName());
        }
        assertThat(entries)
                .contains(
                        "io/streamwatch/StreamwatchJob.class",
                        "io/streamwatch/pipeline/StreamwatchPipeline.class",
                        "db/migration/V1__streamwatch_schema.sql",
                        "org/apache/flink/connector/kafka/source/KafkaSource.class",
                        "org/apache/flink/connector/jdbc/core/datastream/sink/JdbcSink.class",
                        "org/postgresql/Driver.class");
        List<String> forbidden = List.of(
                "io/streamwatch/local/",
                "io/streamwatch/nab/",
                "io/streamwatch/bench/",
                "io/streamwatch/testkit/",
                "io/streamwatch/testing/",
                "io/zonky/",
                "org/apache/kafka/common/test/",
                "kafka/server/",
                "org/junit/",
                "org/apache/flink/streaming/api/environment/",
                "org/apache/flink/runtime/",
                "org/apache/logging/log4j/",
                "picocli/");
        for (String prefix : forbidden) {
            assertThat(entries).as("entries under " + prefix).noneMatch(e -> e.startsWith(prefix));
        }
    }
}
