package io.streamwatch.nab;

import io.streamwatch.config.ConfigException;
import io.streamwatch.config.DetectionConfig;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.detect.Detector;
import io.streamwatch.nab.NabScorer.FileInput;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code streamwatch nab}: measures the job's detectors on data in NAB's layout. Runs them through
 * the pipeline's detection operator on a local MiniCluster (see {@link NabFlinkRun}), writes NAB
 * result files, scores them with {@link NabScorer} and writes the table (see {@link NabReport}) to
 * {@code OUT/scores.md} and standard output.
 */
public final class NabCommand {

    static final String USAGE = """
            usage: streamwatch nab --data DIR --windows FILE --out DIR [--detectors TYPE,...] [--parallelism N]
              --data DIR         NAB data folder: <category>/<name>.csv files with columns timestamp,value
              --windows FILE     NAB windows file (combined_windows.json), an entry for every data file
              --out DIR          writes results/<detector>/<category>/<detector>_<name>.csv and scores.md
              --detectors TYPES  detector types of detection.detectors, with their default settings
                                 (default: %s)
              --parallelism N    parallelism of the Flink job (default 2)
            """.formatted(String.join(",", DetectionConfig.EVALUATED_TYPES));

    /** The parsed command line. */
    record Options(Path data, Path windows, Path out, List<String> detectors, int parallelism) {

        static Options parse(String[] args) {
            Map<String, String> given = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i += 2) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --option value pairs, at '" + args[i] + "'");
                }
                given.put(args[i].substring(2), args[i + 1]);
            }
            String data = given.remove("data");
            String windows = given.remove("windows");
            String out = given.remove("out");
            String detectors = given.remove("detectors");
            String parallelism = given.remove("parallelism");
            if (!given.isEmpty()) {
                throw new IllegalArgumentException("unknown option --" + given.keySet().iterator().next());
            }
            if (data == null || windows == null || out == null) {
                throw new IllegalArgumentException("--data, --windows and --out are required");
            }
            int p;
            try {
                p = parallelism == null ? 2 : Integer.parseInt(parallelism);
            } catch (NumberFormatException e) {
                p = 0;
            }
            if (p < 1) {
                throw new IllegalArgumentException("--parallelism must be a whole number >= 1, was " + parallelism);
            }
            return new Options(Path.of(data), Path.of(windows), Path.of(out),
                    detectors == null ? DetectionConfig.EVALUATED_TYPES : Arrays.asList(detectors.split(",")), p);
        }
    }

    private NabCommand() {}

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("streamwatch nab: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        try {
            System.out.print(run(options, StreamExecutionEnvironment.getExecutionEnvironment(), System.err));
        } catch (ConfigException | IllegalArgumentException | UncheckedIOException e) {
            // bad input, not a bug: the message says what to fix
            System.err.println("streamwatch nab: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Evaluates every detector and writes the result files and {@code scores.md}.
     *
     * @param progress where to say what is happening
     * @return the score table
     */
    static String run(Options options, StreamExecutionEnvironment env, PrintStream progress) throws Exception {
        NabCorpus corpus = NabCorpus.load(options.data(), options.windows());
        DetectionConfig detection = detectorsOf(options.detectors());
        progress.printf("nab: %d files, %d rows, %d windows; detectors %s through the detection operator, parallelism %d%n",
                corpus.series().size(), corpus.rows(), corpus.windowCount(), options.detectors(), options.parallelism());
        env.setParallelism(options.parallelism());
        Map<String, Map<String, double[]>> scores =
                NabFlinkRun.detect(env, options.data(), corpus, detection.detectors(), detection.settings());

        List<NabReport.Row> rows = new ArrayList<>();
        for (Detector<?> detector : detection.detectors()) {
            List<FileInput> files = new ArrayList<>();
            for (NabCorpus.Labelled l : corpus.series()) {
                double[] s = scores.get(detector.name()).get(l.series().key());
                NabResultFiles.write(options.out(), detector.name(), l.series(), s, l.windows());
                files.add(new FileInput(l.series().key(), s, l.windows()));
            }
            progress.printf("nab: scoring %s, and timing it in plain Java%n", detector.name());
            rows.add(new NabReport.Row(detector.name(), NabScorer.scoreAll(files),
                    NabEvaluation.nanosPerPoint(detector, corpus), NabEvaluation.stateBytes(detector, corpus)));
        }
        String table = NabReport.markdown(rows, corpus.series().size(), corpus.windowCount());
        Files.writeString(options.out().resolve("scores.md"), table, StandardCharsets.UTF_8);
        return table;
    }

    /** The named detector types with their default settings, built and validated as the job builds them. */
    private static DetectionConfig detectorsOf(List<String> types) {
        List<Map<String, Object>> specs = types.stream().map(t -> Map.<String, Object>of("type", t.strip())).toList();
        return StreamwatchConfig.load(Map.of("detection", Map.of("detectors", specs)), Map.of(), Map.of()).detection();
    }
}
