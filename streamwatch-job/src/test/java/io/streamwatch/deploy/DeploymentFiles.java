package io.streamwatch.deploy;

import io.streamwatch.testkit.ProjectPaths;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.yaml.snakeyaml.Yaml;

/**
 * The deployment files in the checkout, read as the tools that use them would: SnakeYAML resolves
 * the compose file's anchors and merge keys as Compose does.
 */
public final class DeploymentFiles {
    public static final Path COMPOSE = ProjectPaths.resolve("docker-compose.yml");
    public static final Path PROMETHEUS = ProjectPaths.resolve("conf/prometheus/prometheus.yml");
    public static final Path DASHBOARD = ProjectPaths.resolve("conf/grafana/dashboards/streamwatch.json");
    public static final Path FLINK_DEPLOYMENT = ProjectPaths.resolve("deploy/k8s/streamwatch-flinkdeployment.yaml");

    private DeploymentFiles() {}

    @SuppressWarnings("unchecked")
    public static Map<String, Object> yaml(Path file) {
        try (Reader in = Files.newBufferedReader(file)) {
            return (Map<String, Object>) new Yaml().load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> composeService(String name) {
        Map<String, Object> services = (Map<String, Object>) yaml(COMPOSE).get("services");
        Object service = services.get(name);
        if (service == null) throw new IllegalStateException(COMPOSE + " has no service " + name);
        return (Map<String, Object>) service;
    }

    /** The Flink configuration the compose file gives its JobManager in FLINK_PROPERTIES. */
    @SuppressWarnings("unchecked")
    public static Map<String, String> composeFlinkProperties() {
        Map<String, Object> environment =
                (Map<String, Object>) composeService("jobmanager").get("environment");
        Map<String, Object> parsed =
                (Map<String, Object>) new Yaml().load((String) environment.get("FLINK_PROPERTIES"));
        Map<String, String> properties = new LinkedHashMap<>();
        parsed.forEach((k, v) -> properties.put(k, String.valueOf(v)));
        return properties;
    }

    /** A value of the parent pom, by XPath: {@code /project/version}, {@code /project/properties/flink.version}. */
    public static String pom(String xpath) {
        try {
            Document pom = DocumentBuilderFactory.newInstance()
                    .newDocumentBuilder()
                    .parse(ProjectPaths.resolve("pom.xml").toFile());
            String value = XPathFactory.newInstance().newXPath().evaluate(xpath, pom);
            if (value.isBlank()) throw new IllegalStateException("pom.xml has nothing at " + xpath);
            return value.trim();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + xpath + " from pom.xml", e);
        }
    }
}
