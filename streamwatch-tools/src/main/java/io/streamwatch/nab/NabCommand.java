package io.streamwatch.nab;

import io.streamwatch.config.DetectionReader;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.detect.Detector;
import io.streamwatch.detect.DetectorSuite;
import io.streamwatch.nab.NabScorer.FileInput;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code streamwatch nab}: measures the job's detectors on data in NAB's layout. Runs them through
 * the pipeline's detection operator on a local MiniCluster (see {@link NabFlinkRun}), writes NAB
 * result files, scores them with {@link NabScorer} and writes the table (see {@link NabReport}) to
 * {@code OUT/scores.md} and standard output. The launcher ({@code ./streamwatch nab}) runs it and
 * decides the exit code.
 */
@Command(
        name = "nab",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Scores the detectors on data in NAB's layout, through the pipeline's detection operator.")
public final class NabCommand implements Callable<Integer> {

    @Option(
            names = "--data",
            paramLabel = "DIR",
            required = true,
            description = "NAB data folder: <category>/<name>.csv files with columns timestamp,value")
    Path data;

    @Option(
            names = "--windows",
            paramLabel = "FILE",
            required = true,
            description = "NAB windows file (combined_windows.json), an entry for every data file")
    Path windows;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            required = true,
            description = "writes results/<detector>/<category>/<detector>_<name>.csv and scores.md")
    Path out;

    @Option(
            names = "--detectors",
            paramLabel = "TYPE",
            split = ",",
            description =
                    "detectors with their default settings: a type of detection.detectors, or a type with 'calibrated' appended (default: all that learn: ${DEFAULT-VALUE})")
    List<String> detectors = new ArrayList<>(DetectionReader.EVALUATED_DETECTORS);

    @Option(
            names = "--cross-validate",
            description = "also cross-validate every detector: k folds by file, and leave one category out")
    boolean crossValidate;

    @Option(
            names = "--folds",
            paramLabel = "K",
            defaultValue = "5",
            description = "folds of --cross-validate (default: ${DEFAULT-VALUE})")
    int folds;

    @Option(
            names = "--parallelism",
            paramLabel = "N",
            defaultValue = "2",
            description = "parallelism of the Flink job (default: ${DEFAULT-VALUE})")
    int parallelism;

    @Spec
    CommandSpec spec;

    /** The parsed command line. */
    record Options(
            Path data, Path windows, Path out, List<String> detectors, int parallelism, int crossValidationFolds) {

        /** Without cross-validation. */
        Options(Path data, Path windows, Path out, List<String> detectors, int parallelism) {
            this(data, windows, out, detectors, parallelism, 0);
        }
    }

    Options options() {
        if (parallelism < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--parallelism must be a whole number >= 1, was " + parallelism);
        }
        if (crossValidate && folds < 2) {
            throw new ParameterException(spec.commandLine(), "--folds must be a whole number >= 2, was " + folds);
        }
        return new Options(
                data,
                windows,
                out,
                detectors.stream().map(String::strip).toList(),
                parallelism,
                crossValidate ? folds : 0);
    }

    @Override
    public Integer call() throws Exception {
        System.out.print(run(options(), StreamExecutionEnvironment.getExecutionEnvironment(), System.err));
        return 0;
    }

    /**
     * Evaluates every detector and writes the result files and {@code scores.md}.
     *
     * @param progress where to say what is happening
     * @return the score table
     */
    static String run(Options options, StreamExecutionEnvironment env, PrintStream progress) throws Exception {
        NabCorpus corpus = NabCorpus.load(options.data(), options.windows());
        DetectorSuite detection = detectorsOf(options.detectors());
        progress.printf(
                "nab: %d files, %d rows, %d windows; detectors %s through the detection operator, parallelism %d%n",
                corpus.series().size(),
                corpus.rows(),
                corpus.windowCount(),
                options.detectors(),
                options.parallelism());
        env.setParallelism(options.parallelism());
        Map<String, Map<String, double[]>> scores =
                NabFlinkRun.detect(env, options.data(), corpus, detection.detectors(), detection.settings());

        List<NabReport.Row> rows = new ArrayList<>();
        Map<String, List<FileInput>> scored = new LinkedHashMap<>();
        for (Detector<?> detector : detection.detectors()) {
            List<FileInput> files = new ArrayList<>();
            for (NabCorpus.Labelled l : corpus.series()) {
                double[] s = scores.get(detector.name()).get(l.series().key());
                NabResultFiles.write(options.out(), detector.name(), l.series(), s, l.windows());
                files.add(new FileInput(l.series().key(), s, l.windows()));
            }
            scored.put(detector.name(), files);
            progress.printf("nab: scoring %s, and timing it in plain Java%n", detector.name());
            rows.add(new NabReport.Row(
                    detector.name(),
                    NabScorer.scoreAll(files),
                    NabEvaluation.nanosPerPoint(detector, corpus),
                    NabEvaluation.stateBytes(detector, corpus)));
        }
        String table = NabReport.markdown(rows, corpus.series().size(), corpus.windowCount());
        if (options.crossValidationFolds() > 0) {
            progress.printf(
                    "nab: cross-validating, %d folds and leave one category out%n", options.crossValidationFolds());
            table += NabReport.crossValidation(scored, rows, options.crossValidationFolds());
        }
        Files.writeString(options.out().resolve("scores.md"), table, StandardCharsets.UTF_8);
        return table;
    }

    /** The named detectors with their default settings, built and validated as the job builds them. */
    private static DetectorSuite detectorsOf(List<String> names) {
        List<Map<String, Object>> specs;
        try {
            specs = names.stream().map(DetectionReader::evaluatedSpec).toList();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--detectors: " + e.getMessage(), e);
        }
        return StreamwatchConfig.load(Map.of("detection", Map.of("detectors", specs)), Map.of(), Map.of())
                .detection();
    }
}
