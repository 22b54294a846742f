package io.streamwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamwatch.serde.ContractSettings;
import io.streamwatch.source.PartitionOffset;
import io.streamwatch.source.SourceSettings;
import io.streamwatch.testkit.ProjectPaths;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamwatchConfigTest {
    private static final Path DOCUMENTED = ProjectPaths.resolve("conf/streamwatch.yaml");

    @Test
    void theDocumentedFileLoadsAndStatesTheTrueDefaults() {
        StreamwatchConfig fromFile =
                StreamwatchConfig.fromArgs(new String[] {"--config", DOCUMENTED.toString()}, Map.of());
        StreamwatchConfig defaults = StreamwatchConfig.defaults(Map.of());
        // if this fails, conf/streamwatch.yaml documents a default the code does not have
        assertThat(fromFile.effective()).isEqualTo(defaults.effective());
    }

    @Test
    void commandLineOverridesTheFile() {
        StreamwatchConfig c = StreamwatchConfig.fromArgs(
                new String[] {
                    "--config", DOCUMENTED.toString(), "--aggregation.size", "30s", "--source.kafka.topics=a,b"
                },
                Map.of());
        assertThat(c.aggregation().size()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.source().topics()).containsExactly("a", "b");
    }

    @Test
    void everyProblemNamesTheKeyTheValueAndWhatIsAllowed() {
        assertThatThrownBy(() -> StreamwatchConfig.defaults(Map.of(
                        "aggregation.size", "soon",
                        "aggregation.window", "hopping",
                        "job.parallelism", "-1",
                        "dedupe.retenton", "1h")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .containsExactlyInAnyOrder(
                                "aggregation.size: 'soon' is not valid; expected a duration of at least 1 ms, such as 500ms, 30s, 5min, 2h, 1d",
                                "aggregation.window: 'hopping' is not valid; expected one of tumbling, sliding, session",
                                "job.parallelism: '-1' is not valid; expected a whole number from 0 to 10000",
                                "dedupe.retenton: unknown setting; did you mean dedupe.retention?"));
    }

    @Test
    void slidingWindowsMayNotSlideFurtherThanTheirSize() {
        assertThatThrownBy(() -> StreamwatchConfig.defaults(Map.of(
                        "aggregation.window", "sliding", "aggregation.size", "1min", "aggregation.slide", "2min")))
                .hasMessageContaining("aggregation.slide")
                .hasMessageContaining("must not exceed aggregation.size");
    }

    @Test
    void kafkaSecretsComeFromTheEnvironmentAndAreMasked() {
        Map<String, Object> tree = Map.of(
                "source",
                Map.of(
                        "kafka",
                        Map.of(
                                "properties",
                                Map.of(
                                        "security.protocol", "SASL_SSL",
                                        "sasl.jaas.config",
                                                "org.apache.kafka.common.security.scram.ScramLoginModule required password=\"${env:KAFKA_PW}\";"))));
        StreamwatchConfig c = StreamwatchConfig.load(tree, Map.of(), Map.of("KAFKA_PW", "s3cret"));
        assertThat(c.source().kafkaProperties().get("sasl.jaas.config")).contains("password=\"s3cret\"");
        assertThat(c.source().kafkaProperties()).containsEntry("security.protocol", "SASL_SSL");
        assertThat(c.effective().get("source.kafka.properties.sasl.jaas.config"))
                .isEqualTo("******");
        assertThat(c.effective().toString()).doesNotContain("s3cret");

        assertThatThrownBy(() -> StreamwatchConfig.load(tree, Map.of(), Map.of()))
                .hasMessageContaining("source.kafka.properties.sasl.jaas.config")
                .hasMessageContaining("environment variable KAFKA_PW is not set");
    }

    @Test
    void theDatabasePasswordComesOnlyFromTheNamedVariable() {
        StreamwatchConfig c =
                StreamwatchConfig.load(Map.of(), Map.of("sink.jdbc.password-env", "PG_PW"), Map.of("PG_PW", "pw"));
        assertThat(c.jdbc().settings().password()).isEqualTo("pw");
        assertThat(c.jdbc().settings().toString()).doesNotContain("pw,").contains("***");
        assertThat(c.effective()).doesNotContainValue("pw");
    }

    @Test
    void perTopicFieldNamesKeepDefaultsForFieldsTheyDoNotName() {
        Map<String, Object> tree = Map.of(
                "contract", Map.of("topic-fields", java.util.List.of(Map.of("topic", "legacy", "series-key", "host"))));
        ContractSettings contract =
                StreamwatchConfig.load(tree, Map.of(), Map.of()).contract();
        assertThat(contract.fieldsFor("legacy").seriesKey()).isEqualTo("host");
        assertThat(contract.fieldsFor("legacy").eventId()).isEqualTo("event_id");
        assertThat(contract.fieldsFor("other").seriesKey()).isEqualTo("series_key");
    }

    @Test
    void badCommandLinesSayWhatIsWrong() {
        assertThatThrownBy(() -> StreamwatchConfig.fromArgs(new String[] {"--config", "/no/such.yaml"}, Map.of()))
                .hasMessageContaining("'/no/such.yaml' does not exist");
        assertThatThrownBy(() -> StreamwatchConfig.fromArgs(new String[] {"--job.name"}, Map.of()))
                .hasMessageContaining("--job.name needs a value");
        assertThatThrownBy(() -> StreamwatchConfig.fromArgs(new String[] {"oops"}, Map.of()))
                .hasMessageContaining("'oops' is not an option");
    }

    @Test
    void detectorsAreBuiltFromConfigAndTheirMistakesNamed() {
        Map<String, Object> ok = Map.of(
                "detection",
                Map.of("detectors", java.util.List.of(Map.of("type", "threshold", "upper", 100, "margin", 10))));
        assertThat(StreamwatchConfig.load(ok, Map.of(), Map.of()).detection().detectors())
                .extracting(d -> d.name())
                .containsExactly("threshold");

        Map<String, Object> bad = Map.of(
                "detection",
                Map.of(
                        "detectors",
                        java.util.List.of(
                                Map.of("type", "prophet"),
                                Map.of("type", "mad", "window", 2, "colour", "red"),
                                Map.of("type", "ewma"),
                                Map.of("type", "ewma"),
                                Map.of("type", "threshold"))));
        assertThatThrownBy(() -> StreamwatchConfig.load(bad, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "detection.detectors[0].type: 'prophet' is not valid; expected one of threshold, ewma, mad")
                .hasMessageContaining("detection.detectors[1].window: '2' is not valid")
                .hasMessageContaining("detection.detectors[1].colour: unknown setting")
                .hasMessageContaining(
                        "detection.detectors[3].type: 'ewma' is not valid; each detector type may appear once")
                .hasMessageContaining("detection.detectors[4]: ");
    }

    @Test
    void eachDetectorOpensAtItsOwnThresholdOrTheSharedOne() {
        Map<String, Object> tree = Map.of(
                "detection",
                Map.of(
                        "open-threshold",
                        0.8,
                        "detectors",
                        java.util.List.of(
                                Map.of("type", "novelty"),
                                Map.of("type", "ewma"),
                                Map.of("type", "mad", "open-threshold", 0.65))));
        var settings =
                StreamwatchConfig.load(tree, Map.of(), Map.of()).detection().settings();
        assertThat(settings.lifecycleFor("novelty").openThreshold()).isEqualTo(0.6024);
        assertThat(settings.lifecycleFor("ewma").openThreshold()).isEqualTo(0.8);
        assertThat(settings.lifecycleFor("mad").openThreshold()).isEqualTo(0.65);
        assertThat(settings.lifecycleFor("mad").resolveThreshold())
                .isEqualTo(settings.lifecycle().resolveThreshold());

        Map<String, Object> tooLow = Map.of(
                "detection", Map.of("detectors", java.util.List.of(Map.of("type", "ewma", "open-threshold", 0.3))));
        assertThatThrownBy(() -> StreamwatchConfig.load(tooLow, Map.of(), Map.of()))
                .hasMessageContaining(
                        "detection.detectors[0].open-threshold: '0.3' is not valid; must be at least detection.severity.info (0.5)");
    }

    @Test
    void calibratedDetectorsAndEnsemblesAreBuiltFromConfigAndTheirMistakesNamed() {
        Map<String, Object> ok = Map.of(
                "detection",
                Map.of(
                        "detectors",
                        java.util.List.of(
                                Map.of("type", "ewma", "calibrated", true, "calibration", Map.of("history", 200)),
                                Map.of(
                                        "type",
                                        "mad",
                                        "calibrated",
                                        true,
                                        "calibration",
                                        Map.of("method", "tail", "tail-fraction", 0.05)),
                                Map.of(
                                        "type",
                                        "ensemble",
                                        "members",
                                        java.util.List.of(
                                                Map.of("type", "novelty"),
                                                Map.of("type", "pattern", "calibrated", true))))));
        var detection = StreamwatchConfig.load(ok, Map.of(), Map.of()).detection();
        assertThat(detection.detectors())
                .extracting(d -> d.name())
                .containsExactly("ewmacalibrated", "madcalibrated", "ensemble");
        assertThat(((io.streamwatch.detect.CalibratedDetector<?, ?>)
                                detection.detectors().get(0))
                        .calibration())
                .isEqualTo(new io.streamwatch.detect.LikelihoodCalibration(5, 200, 10, 6.0, 0.1, 0.99));
        assertThat(((io.streamwatch.detect.CalibratedDetector<?, ?>)
                                detection.detectors().get(1))
                        .calibration())
                .isInstanceOf(io.streamwatch.detect.TailCalibration.class);
        assertThat(((io.streamwatch.detect.EnsembleDetector)
                                detection.detectors().get(2))
                        .members())
                .extracting(d -> d.name())
                .containsExactly("novelty", "patterncalibrated");
        // each opens where its score means an anomaly; an ensemble at its most sensitive member's
        assertThat(detection.settings().lifecycleFor("ewmacalibrated").openThreshold())
                .isEqualTo(1.0);
        assertThat(detection.settings().lifecycleFor("madcalibrated").openThreshold())
                .isEqualTo(0.6);
        assertThat(detection.settings().lifecycleFor("ensemble").openThreshold())
                .isEqualTo(0.6024);

        Map<String, Object> bad = Map.of(
                "detection",
                Map.of(
                        "detectors",
                        java.util.List.of(
                                Map.of("type", "mad", "calibrated", true, "calibration", Map.of("history", 0)),
                                Map.of(
                                        "type",
                                        "ensemble",
                                        "members",
                                        java.util.List.of(
                                                Map.of("type", "ensemble"), Map.of("type", "mad", "window", 2))),
                                Map.of("type", "ensemble", "calibrated", true))));
        assertThatThrownBy(() -> StreamwatchConfig.load(bad, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("detection.detectors[0].calibration.history: '0' is not valid")
                .hasMessageContaining("detection.detectors[1].members[0].type: an ensemble cannot be a member")
                .hasMessageContaining("detection.detectors[1].members[1].window: '2' is not valid")
                .hasMessageContaining("detection.detectors[2].calibrated: an ensemble is not calibrated itself");
    }

    @Test
    void aReplayStartsAndStopsAtExplicitOffsetsOrTimestamps() {
        StreamwatchConfig c = StreamwatchConfig.fromArgs(
                new String[] {
                    "--source.kafka.topics", "events,audit",
                    "--source.kafka.starting-offsets", "offsets",
                    "--source.kafka.starting-partition-offsets", "events:0=1200, events:1=1187,audit:0=0",
                    "--source.kafka.stopping-offsets", "timestamp",
                    "--source.kafka.stopping-timestamp", "2024-05-02T00:00:00+02:00"
                },
                Map.of());
        assertThat(c.source().startFrom()).isEqualTo(SourceSettings.StartFrom.OFFSETS);
        assertThat(c.source().startOffsets())
                .containsExactly(
                        new PartitionOffset("events", 0, 1200),
                        new PartitionOffset("events", 1, 1187),
                        new PartitionOffset("audit", 0, 0));
        assertThat(c.source().stopAt()).isEqualTo(SourceSettings.StopAt.TIMESTAMP);
        assertThat(c.source().stopTimestamp()).isEqualTo(Instant.parse("2024-05-01T22:00:00Z"));
        assertThat(c.source().bounded()).isTrue();
        assertThat(StreamwatchConfig.defaults(Map.of()).source().bounded()).isFalse();
    }

    @Test
    void replayRangesThatCannotBeReadSayWhatToFix() {
        assertThatThrownBy(() -> StreamwatchConfig.defaults(Map.of(
                        "source.kafka.starting-offsets", "offsets",
                        "source.kafka.starting-partition-offsets", "events:0=10,events-1=5,other:0=3,events:0=11",
                        "source.kafka.stopping-offsets", "offsets",
                        "source.kafka.stopping-partition-offsets", "events:0=4",
                        "source.kafka.stopping-timestamp", "2024-05-01T00:00:00Z")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .containsExactlyInAnyOrder(
                                "source.kafka.starting-partition-offsets: 'events-1=5' is not valid; expected"
                                        + " TOPIC:PARTITION=OFFSET, such as events:0=1200",
                                "source.kafka.starting-partition-offsets: names events:0 twice",
                                "source.kafka.starting-partition-offsets: other:0=3 names topic other, which the job"
                                        + " does not read (source.kafka.topics: events)",
                                "source.kafka.stopping-timestamp: set, but source.kafka.stopping-offsets is offsets;"
                                        + " set source.kafka.stopping-offsets to timestamp, or remove it",
                                "source.kafka.stopping-partition-offsets: 'events:0=4' is not valid; must not be"
                                        + " before its starting offset 10 (source.kafka.starting-partition-offsets)"));
        assertThatThrownBy(() -> StreamwatchConfig.defaults(Map.of(
                        "source.kafka.starting-offsets", "timestamp",
                        "source.kafka.starting-timestamp", "2024-05-02T00:00:00Z",
                        "source.kafka.starting-partition-offsets", "events:0=1",
                        "source.kafka.stopping-offsets", "timestamp",
                        "source.kafka.stopping-timestamp", "2024-05-01T00:00:00Z")))
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .containsExactlyInAnyOrder(
                                "source.kafka.starting-partition-offsets: set, but source.kafka.starting-offsets is"
                                        + " timestamp; set source.kafka.starting-offsets to offsets, or remove it",
                                "source.kafka.stopping-timestamp: '2024-05-01T00:00:00Z' is not valid; must be after"
                                        + " source.kafka.starting-timestamp (2024-05-02T00:00:00Z)"));
        assertThatThrownBy(() -> StreamwatchConfig.defaults(Map.of(
                        "source.kafka.topic-pattern", "metrics\\..*",
                        "source.kafka.stopping-offsets", "offsets")))
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .containsExactly("source.kafka.stopping-partition-offsets: missing; required when"
                                + " source.kafka.stopping-offsets is offsets: TOPIC:PARTITION=OFFSET, such as"
                                + " events:0=1200, one for every partition of the topics read"));
    }
}
