package io.streamwatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.StreamwatchConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;

/** Credentials inside values (URLs, JAAS) are masked in the start-up log and the web UI's job parameters. */
class SecretsAreNeverShownTest {
    private static final String SECRET = "hunter2-s3cr3t";

    private static StreamwatchConfig configWithSecretsInValues() {
        return StreamwatchConfig.defaults(Map.of(
                "sink.jdbc.url", "jdbc:postgresql://db:5432/streamwatch?user=writer&password=" + SECRET + "&ssl=true",
                "source.kafka.bootstrap-servers", "broker:9092",
                "source.kafka.properties.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\""
                                + SECRET + "\";",
                "source.kafka.properties.schema.registry.url", "https://reader:" + SECRET + "@registry:8081",
                "source.kafka.properties.client.id", "token=" + SECRET));
    }

    @Test
    void theStartUpLogHoldsNoSecret() {
        StreamwatchConfig config = configWithSecretsInValues();
        List<String> logged = new ArrayList<>();
        Logger logger = (Logger) LogManager.getLogger(StreamwatchJob.class);
        AbstractAppender capture = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                logged.add(event.getMessage().getFormattedMessage());
            }
        };
        capture.start();
        Level level = logger.getLevel();
        logger.addAppender(capture);
        logger.setLevel(Level.INFO);
        try {
            StreamwatchJob.logStart(config);
        } finally {
            logger.removeAppender(capture);
            logger.setLevel(level);
        }
        assertThat(String.join("\n", logged))
                .contains("sink.jdbc.url = jdbc:postgresql://db:5432/streamwatch?user=writer&password=***&ssl=true")
                .contains("https://reader:***@registry:8081")
                .doesNotContain(SECRET);
    }

    @Test
    void theJobParametersInTheWebUiHoldNoSecret() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironment.configure(env, configWithSecretsInValues());
        Map<String, String> shown = env.getConfig().getGlobalJobParameters().toMap();
        assertThat(shown).containsKey("source.kafka.properties.sasl.jaas.config");
        assertThat(shown.values()).allSatisfy(v -> assertThat(v).doesNotContain(SECRET));
    }
}
