package io.streamwatch;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamwatch.config.ConfigException;
import io.streamwatch.config.StreamwatchConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a user who starts the job with a missing secret or a relative path reads. */
class StartupChecksTest {
    @Test
    void aMissingDatabasePasswordFailsNamingTheVariable() {
        StreamwatchConfig config =
                StreamwatchConfig.load(Map.of(), Map.of("sink.jdbc.password-env", "PG_PW"), Map.of());
        assertThatThrownBy(() -> StreamwatchJob.requireSecrets(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sink.jdbc.password-env: environment variable PG_PW is not set");
        // empty is a password too: a database that asks for none
        assertThatCode(() -> StreamwatchJob.requireSecrets(StreamwatchConfig.load(
                        Map.of(), Map.of("sink.jdbc.password-env", "PG_PW"), Map.of("PG_PW", ""))))
                .doesNotThrowAnyException();
    }

    @Test
    void aRelativeConfigPathSaysWhereItWasLookedFor() {
        String where = Path.of("conf/nowhere.yaml").toAbsolutePath().toString();
        assertThatThrownBy(() -> StreamwatchConfig.fromArgs(new String[] {"--config", "conf/nowhere.yaml"}, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--config: file 'conf/nowhere.yaml' does not exist (looked for " + where)
                .hasMessageContaining("the JobManager's when the job is submitted through the REST API");
    }
}
