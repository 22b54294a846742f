package io.streamwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.testkit.ProjectPaths;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The compose stack, the Prometheus configuration, the Grafana provisioning and the Kubernetes
 * manifest: valid for the tools that read them, and in step with the pom and with each other.
 */
class DeploymentFilesTest {
    private static final String FLINK_VERSION = DeploymentFiles.pom("/project/properties/flink.version");
    private static final String FLINK_IMAGE = "flink:" + FLINK_VERSION + "-scala_2.12-java17";
    private static final String JOB_JAR = "streamwatch-job-" + DeploymentFiles.pom("/project/version") + ".jar";

    @Test
    void composeFilePassesDockerCompose() throws Exception {
        // Debian's docker-compose 1.29: refuses top-level name, include and healthcheck start_interval
        ExternalTool.run("docker-compose", "-f", DeploymentFiles.COMPOSE.toString(), "config", "-q");
    }

    @Test
    void prometheusConfigurationPassesPromtool() throws Exception {
        ExternalTool.run("promtool", "check", "config", DeploymentFiles.PROMETHEUS.toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeRunsThePomsFlinkAndTheJarTheBuildMakes() {
        Map<String, Object> services = (Map<String, Object>)
                DeploymentFiles.yaml(DeploymentFiles.COMPOSE).get("services");
        List<String> flinkServices = new ArrayList<>();
        services.forEach((name, service) -> {
            Object image = ((Map<String, Object>) service).get("image");
            if (image != null && image.toString().startsWith("flink:")) {
                assertThat(image).as("image of " + name).isEqualTo(FLINK_IMAGE);
                flinkServices.add(name);
            }
        });
        assertThat(flinkServices).contains("jobmanager", "taskmanager", "submit-job");
        assertThat(String.valueOf(DeploymentFiles.composeService("submit-job").get("command")))
                .contains("/opt/streamwatch/jobs/" + JOB_JAR);
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeServicesWaitForWhatTheyNeed() {
        Map<String, Object> services = (Map<String, Object>)
                DeploymentFiles.yaml(DeploymentFiles.COMPOSE).get("services");
        services.forEach((name, s) -> {
            Object dependsOn = ((Map<String, Object>) s).get("depends_on");
            if (dependsOn == null) return;
            assertThat(dependsOn).as(name + ": depends_on with conditions").isInstanceOf(Map.class);
            ((Map<String, Object>) dependsOn).forEach((dependency, spec) -> {
                String condition = String.valueOf(((Map<String, Object>) spec).get("condition"));
                assertThat(condition)
                        .as(name + " waits for " + dependency)
                        .isIn("service_healthy", "service_completed_successfully");
                if (condition.equals("service_healthy")) {
                    assertThat(((Map<String, Object>) services.get(dependency)).get("healthcheck"))
                            .as(dependency + " needs a healthcheck: " + name + " waits for it to be healthy")
                            .isNotNull();
                }
            });
        });
    }

    @Test
    void theComposeJobConfigurationIsValidAndPointsAtTheStack() throws IOException {
        StreamwatchConfig config = StreamwatchConfig.load(
                StreamwatchConfig.readYaml(ProjectPaths.resolve("conf/compose.yaml")),
                Map.of(),
                Map.of("STREAMWATCH_DB_PASSWORD", "secret"));
        assertThat(hostOf("kafka://" + config.source().bootstrapServers())).isEqualTo("kafka");
        assertThat(hostOf(config.jdbc().settings().url().substring("jdbc:".length())))
                .isEqualTo("postgres");
        assertThat(config.checkpointing().directory())
                .as("on the volume every Flink container mounts")
                .startsWith("file:///opt/flink/state/");
        assertThat(DeploymentFiles.composeFlinkProperties())
                .containsEntry("execution.checkpointing.savepoint-dir", "file:///opt/flink/state/savepoints");
        assertThat(Files.readString(DeploymentFiles.COMPOSE)).contains("./conf/compose.yaml:");
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusScrapesTheReporterPortOfTheFlinkServices() {
        String port = DeploymentFiles.composeFlinkProperties().get("metrics.reporter.prom.port");
        List<Map<String, Object>> jobs = (List<Map<String, Object>>)
                DeploymentFiles.yaml(DeploymentFiles.PROMETHEUS).get("scrape_configs");
        Set<String> targets = new HashSet<>();
        for (Map<String, Object> job : jobs) {
            for (Map<String, Object> s : (List<Map<String, Object>>) job.getOrDefault("static_configs", List.of()))
                targets.addAll((List<String>) s.get("targets"));
            for (Map<String, Object> d : (List<Map<String, Object>>) job.getOrDefault("dns_sd_configs", List.of()))
                for (String name : (List<String>) d.get("names")) targets.add(name + ":" + d.get("port"));
        }
        assertThat(targets).containsExactlyInAnyOrder("jobmanager:" + port, "taskmanager:" + port);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDashboardUsesOnlyProvisionedDataSources() throws IOException {
        Map<String, Object> provisioning =
                DeploymentFiles.yaml(ProjectPaths.resolve("conf/grafana/provisioning/datasources/streamwatch.yml"));
        Set<String> provisioned = new HashSet<>();
        for (Map<String, Object> ds : (List<Map<String, Object>>) provisioning.get("datasources")) {
            provisioned.add(ds.get("uid").toString());
        }
        Matcher uids = Pattern.compile("\"uid\":\\s*\"([^\"]+)\"").matcher(Files.readString(DeploymentFiles.DASHBOARD));
        Set<String> used = new HashSet<>();
        while (uids.find()) used.add(uids.group(1));
        used.remove("streamwatch"); // the dashboard's own uid
        assertThat(provisioned).containsAll(used);
        assertThat(used).isNotEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theFlinkDeploymentRunsThePomsFlinkWithStateOnSharedStorageAndSavepointUpgrades() throws IOException {
        Map<String, Object> manifest = DeploymentFiles.yaml(DeploymentFiles.FLINK_DEPLOYMENT);
        assertThat(manifest)
                .containsEntry("apiVersion", "flink.apache.org/v1beta1")
                .containsEntry("kind", "FlinkDeployment");
        Map<String, Object> spec = (Map<String, Object>) manifest.get("spec");
        String[] version = FLINK_VERSION.split("\\.");
        assertThat(spec).containsEntry("flinkVersion", "v" + version[0] + "_" + version[1]);

        Map<String, Object> flink = (Map<String, Object>) spec.get("flinkConfiguration");
        assertThat(flink.get("execution.checkpointing.dir").toString()).startsWith("s3://");
        assertThat(flink.get("execution.checkpointing.savepoint-dir").toString())
                .startsWith("s3://");
        assertThat(flink).containsEntry("high-availability.type", "kubernetes");
        assertThat(flink.get("high-availability.storageDir").toString()).startsWith("s3://");
        assertThat(flink).containsEntry("job.autoscaler.enabled", "true");
        // Flink's default for a job first run at parallelism up to 85: savepoints from elsewhere restore
        assertThat(flink).containsEntry("pipeline.max-parallelism", "128");

        Map<String, Object> job = (Map<String, Object>) spec.get("job");
        assertThat(job).containsEntry("upgradeMode", "savepoint").containsEntry("parallelism", 2);
        List<String> args = (List<String>) job.get("args");
        // the job's own checkpointing.dir must not send checkpoints to a pod's /tmp
        assertThat(args.get(args.indexOf("--checkpointing.dir") + 1))
                .isEqualTo(flink.get("execution.checkpointing.dir"));
        assertThat(args.get(args.indexOf("--config") + 1)).startsWith("/");

        // the image: the pom's Flink, with the jar where jarURI points
        String dockerfile = Files.readString(ProjectPaths.resolve("deploy/k8s/Dockerfile"));
        assertThat(dockerfile).contains("FROM " + FLINK_IMAGE);
        String jarInImage = job.get("jarURI").toString().substring("local://".length());
        assertThat(dockerfile).contains("streamwatch-job/target/" + JOB_JAR + " " + jarInImage);
    }

    private static String hostOf(String uri) {
        String host = URI.create(uri).getHost();
        assertThat(host).as("host of " + uri).isNotNull();
        return host;
    }
}
