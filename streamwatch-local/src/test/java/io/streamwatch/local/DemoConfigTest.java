package io.streamwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.testkit.ProjectPaths;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoConfigTest {
    private static final Map<String, Object> DEMO_SETTINGS =
            StreamwatchConfig.readYaml(ProjectPaths.resolve("conf/local.yaml"));

    @Test
    void theDemoUsesTheDefaultDetector() {
        StreamwatchConfig config = StreamwatchConfig.load(DEMO_SETTINGS, Map.of(), Map.of());
        assertThat(config.detection().detectors())
                .extracting(d -> d.name())
                .containsExactlyElementsOf(StreamwatchConfig.defaults(Map.of()).detection().detectors().stream()
                        .map(d -> d.name())
                        .toList());
    }

    @Test
    void alertsGoToSlackAndPagerDutyOnlyWhenTheirVariablesAreSet() {
        Map<String, String> env = Map.of(
                Demo.SLACK_ENV, "https://hooks.example/x", Demo.PAGERDUTY_ENV, "0123456789abcdef0123456789abcdef");
        StreamwatchConfig routed =
                StreamwatchConfig.load(Demo.withReceiversFromEnvironment(DEMO_SETTINGS, env), Map.of(), env);
        assertThat(routed.alerting().receivers()).extracting(r -> r.name()).containsExactly("slack", "pagerduty");

        StreamwatchConfig quiet =
                StreamwatchConfig.load(Demo.withReceiversFromEnvironment(DEMO_SETTINGS, Map.of()), Map.of(), Map.of());
        assertThat(quiet.alerting().enabled()).isFalse();
    }
}
