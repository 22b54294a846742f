package io.streamwatch;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The job's packages depend on each other in data-flow order only (docs/architecture.md): a stage
 * knows the model and the stages it consumes, never the configuration reader or the topology; the
 * topology never touches a connector; nothing of the local runner, the tools or a test server is
 * reachable from the jar users deploy.
 */
class ArchitectureTest {
    /** The job module's own classes: where StreamwatchJob was loaded from, not the test kit beside it. */
    private static final JavaClasses JOB = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importLocations(Set.of(Location.of(
                    StreamwatchJob.class.getProtectionDomain().getCodeSource().getLocation())));

    /** Each package of the job, and the packages of ours it may use besides itself. */
    static final Map<String, Set<String>> MAY_USE = Map.ofEntries(
            Map.entry("model", Set.of()),
            Map.entry("serde", Set.of("model")),
            Map.entry("source", Set.of("model", "serde")),
            Map.entry("eventtime", Set.of("model")),
            Map.entry("dedupe", Set.of("model")),
            Map.entry("aggregate", Set.of("model")),
            Map.entry("detect", Set.of("model")),
            Map.entry("sink", Set.of("model")),
            Map.entry("alert", Set.of("model", "sink")),
            Map.entry(
                    "config",
                    Set.of("model", "serde", "source", "eventtime", "dedupe", "aggregate", "detect", "alert", "sink")),
            Map.entry("pipeline", Set.of("model", "eventtime", "dedupe", "aggregate", "detect", "alert", "config")));

    static Stream<String> packages() {
        return MAY_USE.keySet().stream().sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packages")
    void eachPackageUsesOnlyThePackagesBeforeItInTheDataFlow(String name) {
        String[] allowed = Stream.concat(Stream.of(name), MAY_USE.get(name).stream())
                .map(p -> "io.streamwatch." + p + "..")
                .toArray(String[]::new);
        classes()
                .that()
                .resideInAPackage("io.streamwatch." + name + "..")
                .should()
                .onlyDependOnClassesThat(
                        resideOutsideOfPackage("io.streamwatch..").or(resideInAnyPackage(allowed)))
                .because(name + " may use "
                        + (MAY_USE.get(name).isEmpty()
                                ? "nothing of ours"
                                : String.join(
                                        ", ",
                                        MAY_USE.get(name).stream().sorted().toList())))
                .check(JOB);
    }

    @Test
    void everyPackageIsListed() {
        Set<String> found = JOB.stream()
                .map(JavaClass::getPackageName)
                .filter(p -> p.startsWith("io.streamwatch."))
                .map(p -> p.substring("io.streamwatch.".length()).split("\\.")[0])
                .collect(Collectors.toSet());
        // a new package must say where it sits in the data flow
        assertThat(MAY_USE.keySet()).containsExactlyInAnyOrderElementsOf(found);
    }

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("io.streamwatch.(*)..").should().beFreeOfCycles().check(JOB);
    }

    @Test
    void theTopologyBuildsNoConnector() {
        noClasses()
                .that()
                .resideInAPackage("io.streamwatch.pipeline..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.apache.flink.connector.kafka..",
                        "org.apache.flink.connector.jdbc..",
                        "org.apache.kafka..",
                        "java.sql..",
                        "java.net.http..")
                .because("the topology takes its source and ends from the caller (StreamwatchPipeline.define)")
                .check(JOB);
    }

    @Test
    void theJobUsesNoEmbeddedServerToolOrTestCode() {
        DescribedPredicate<JavaClass> notForACluster = resideInAnyPackage(Arrays.asList(
                        "io.streamwatch.local..",
                        "io.streamwatch.nab..",
                        "io.streamwatch.bench..",
                        "io.streamwatch.testkit..",
                        "org.apache.kafka.common.test..",
                        "io.zonky..",
                        "org.junit..",
                        "org.apache.flink.test..",
                        "org.apache.flink.runtime.minicluster..")
                .toArray(String[]::new));
        noClasses()
                .should()
                .dependOnClassesThat(notForACluster)
                .because("the job jar runs on a cluster, which has none of these")
                .check(JOB);
    }
}
