package io.streamwatch.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class JdbcSettingsTest {

    @Test
    void toStringNeverShowsThePassword() {
        JdbcSettings settings =
                JdbcSettings.of("jdbc:postgresql://db:5432/streamwatch?password=hunter2&ssl=true", "writer", "s3cret");

        assertThat(settings.toString())
                .doesNotContain("s3cret")
                .doesNotContain("hunter2")
                .contains("password=***", "user=writer", "ssl=true", "batchSize=500");
        assertThat(settings.redactedUrl()).isEqualTo("jdbc:postgresql://db:5432/streamwatch?password=***&ssl=true");
    }

    @Test
    void travelsWithTheJobGraph() throws Exception {
        JdbcSettings settings = new JdbcSettings("jdbc:postgresql://db/sw", "u", "p", 10, 0, 2);

        byte[] bytes = InstantiationUtil.serializeObject(settings);

        assertThat((JdbcSettings)
                        InstantiationUtil.deserializeObject(bytes, getClass().getClassLoader()))
                .isEqualTo(settings);
    }

    @Test
    void refusesOtherDatabasesAndNonsenseBatching() {
        assertThatThrownBy(() -> JdbcSettings.of("jdbc:mysql://db/sw?password=x", "u", "p"))
                .hasMessageContaining("PostgreSQL")
                .hasMessageNotContaining("password=x");
        assertThatThrownBy(() -> new JdbcSettings("jdbc:postgresql://db/sw", "u", "p", 0, 0, 0))
                .hasMessageContaining("batchSize");
        assertThatThrownBy(() -> new JdbcSettings("jdbc:postgresql://db/sw", "u", "p", 1, -1, 0))
                .hasMessageContaining("batchIntervalMs");
        assertThatThrownBy(() -> new JdbcSettings("jdbc:postgresql://db/sw", "u", "p", 1, 0, -1))
                .hasMessageContaining("maxRetries");
    }
}
