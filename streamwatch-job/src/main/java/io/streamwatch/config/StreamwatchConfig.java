package io.streamwatch.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamwatch.aggregate.AggregationSettings;
import io.streamwatch.aggregate.AggregationSettings.WindowType;
import io.streamwatch.alert.AlertSettings;
import io.streamwatch.dedupe.DedupeSettings;
import io.streamwatch.dedupe.DedupeSettings.Scope;
import io.streamwatch.detect.DetectorSuite;
import io.streamwatch.eventtime.WatermarkSettings;
import io.streamwatch.serde.ContractSettings;
import io.streamwatch.serde.FieldNames;
import io.streamwatch.sink.JdbcSettings;
import io.streamwatch.sink.JdbcSinkSettings;
import io.streamwatch.source.PartitionOffset;
import io.streamwatch.source.SourceSettings;
import io.streamwatch.source.SourceSettings.OffsetFallback;
import io.streamwatch.source.SourceSettings.StartFrom;
import io.streamwatch.source.SourceSettings.StopAt;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The job's whole configuration: read from one YAML file (conf/streamwatch.yaml documents every
 * key), overridden from the command line with {@code --some.key value}, validated at once.
 * Secrets never live in the file: it names environment variables that hold them.
 *
 * @param givenKeys the keys the file or the command line set; every other key has its default
 *     (JobEnvironment leaves Flink's settings to the cluster where the job's are defaults)
 */
public record StreamwatchConfig(
        String jobName,
        int parallelism,
        SourceSettings source,
        WatermarkSettings watermarks,
        ContractSettings contract,
        DedupeSettings dedupe,
        AggregationSettings aggregation,
        DetectorSuite detection,
        AlertSettings alerting,
        JdbcSinkSettings jdbc,
        CheckpointSettings checkpointing,
        Map<String, String> effective,
        Set<String> givenKeys)
        implements Serializable {

    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

    /** Loads the file named by {@code --config} (else the defaults alone) and applies the other flags. */
    public static StreamwatchConfig fromArgs(String[] args, Map<String, String> environment) {
        Map<String, String> overrides = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                problems.add("command line: '" + arg + "' is not an option; use --config FILE or --some.key value");
                continue;
            }
            String key = arg.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq > 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                problems.add("command line: option --" + key + " needs a value");
                continue;
            }
            overrides.put(key, value);
        }
        if (!problems.isEmpty()) throw new ConfigException(problems);
        String file = overrides.remove("config");
        Map<String, Object> tree = file == null ? Map.of() : readYaml(Path.of(file));
        return load(tree, overrides, environment);
    }

    public static Map<String, Object> readYaml(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(List.of("--config: file '" + file + "' does not exist"
                    + (file.isAbsolute()
                            ? ""
                            : " (looked for " + file.toAbsolutePath() + ", relative to the working directory of"
                                    + " the process that runs main(): the JobManager's when the job is submitted"
                                    + " through the REST API or the web UI; give an absolute path)")));
        }
        try (InputStream in = Files.newInputStream(file)) {
            return readYaml(in);
        } catch (IOException e) {
            throw new ConfigException(List.of("--config: cannot read '" + file + "': " + e.getMessage()));
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> readYaml(InputStream in) throws IOException {
        try {
            Object tree = new ObjectMapper(new YAMLFactory()).readValue(in, Object.class);
            if (tree == null) return Map.of();
            if (!(tree instanceof Map))
                throw new ConfigException(List.of("configuration file: expected a mapping at the top level"));
            return (Map<String, Object>) tree;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException(List.of("configuration file is not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null
                            ? ""
                            : " at line " + e.getLocation().getLineNr())));
        }
    }

    /**
     * @param tree the parsed YAML
     * @param overrides dotted keys to values, as given on the command line
     * @param environment where secrets are looked up
     */
    public static StreamwatchConfig load(
            Map<String, Object> tree, Map<String, String> overrides, Map<String, String> environment) {
        Map<String, Object> flat = ConfigReader.flatten(tree);
        flat.putAll(overrides);
        ConfigReader r = new ConfigReader(flat);

        String jobName = r.string("job.name", "streamwatch");
        int parallelism = r.intIn("job.parallelism", 0, 0, 10_000);

        SourceSettings source = readSource(r, environment);

        WatermarkSettings watermarks = new WatermarkSettings(
                r.duration("watermarks.max-out-of-orderness", Duration.ofSeconds(5), Duration.ZERO),
                r.duration("watermarks.step", Duration.ofSeconds(1), Duration.ofMillis(1)),
                r.duration("watermarks.idleness", Duration.ofSeconds(30), Duration.ZERO),
                r.duration("watermarks.max-jump", WatermarkSettings.DEFAULT_MAX_JUMP, Duration.ZERO),
                r.intIn("watermarks.jump-confirmations", WatermarkSettings.DEFAULT_JUMP_CONFIRMATIONS, 1, 1000));

        ContractSettings contract = readContract(r);

        DedupeSettings dedupe = new DedupeSettings(
                r.enumValue("dedupe.scope", Scope.class, Scope.SERIES),
                r.duration("dedupe.retention", Duration.ofHours(1), Duration.ofMillis(1)),
                r.duration("dedupe.cleanup-interval", Duration.ofMinutes(1), Duration.ofMillis(1)));

        AggregationSettings aggregation = new AggregationSettings(
                r.enumValue("aggregation.window", WindowType.class, WindowType.TUMBLING),
                r.duration("aggregation.size", Duration.ofMinutes(1), Duration.ofMillis(1)),
                r.duration("aggregation.slide", Duration.ofSeconds(10), Duration.ofMillis(1)),
                r.duration("aggregation.gap", Duration.ofMinutes(5), Duration.ofMillis(1)),
                r.duration("aggregation.allowed-lateness", Duration.ofMinutes(1), Duration.ZERO),
                r.doubleIn("aggregation.quantile-relative-accuracy", 0.01, 0.0001, 0.5));
        if (aggregation.window() == WindowType.SLIDING && aggregation.slide().compareTo(aggregation.size()) > 0) {
            r.problem(
                    "aggregation.slide",
                    aggregation.slide(),
                    "must not exceed aggregation.size (" + aggregation.size() + ") or windows would leave gaps");
        }

        DetectorSuite detection = DetectionReader.read(r);
        AlertSettings alerting = AlertingReader.read(r, environment);
        JdbcSinkSettings jdbc = readJdbc(r, environment);

        CheckpointSettings checkpointing = new CheckpointSettings(
                r.duration("checkpointing.interval", Duration.ofSeconds(30), Duration.ofMillis(10)),
                r.duration("checkpointing.timeout", Duration.ofMinutes(10), Duration.ofSeconds(1)),
                r.duration("checkpointing.min-pause", Duration.ofSeconds(5), Duration.ZERO),
                r.string("checkpointing.dir", "file:///tmp/streamwatch/checkpoints"),
                r.bool("checkpointing.incremental", true),
                r.duration("restart.initial-backoff", Duration.ofSeconds(1), Duration.ofMillis(1)),
                r.duration("restart.max-backoff", Duration.ofMinutes(1), Duration.ofMillis(1)),
                r.doubleIn("restart.backoff-multiplier", 2.0, 1.0, 100.0),
                r.duration("restart.reset-backoff-threshold", Duration.ofHours(1), Duration.ofSeconds(1)));

        r.finish();
        return new StreamwatchConfig(
                jobName,
                parallelism,
                source,
                watermarks,
                contract,
                dedupe,
                aggregation,
                detection,
                alerting,
                jdbc,
                checkpointing,
                Map.copyOf(r.effective()),
                Set.copyOf(flat.keySet()));
    }

    /** Defaults plus the given overrides, with no environment: for tests and tools. */
    public static StreamwatchConfig defaults(Map<String, String> overrides) {
        return load(Map.of(), overrides, Map.of());
    }

    private static SourceSettings readSource(ConfigReader r, Map<String, String> environment) {
        String p = "source.kafka.";
        String bootstrap = r.string(p + "bootstrap-servers", "localhost:9092");
        List<String> topics = r.stringList(p + "topics", List.of("events"));
        String pattern = r.string(p + "topic-pattern", null);
        if (pattern != null) {
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                r.problem(p + "topic-pattern", pattern, "expected a Java regular expression: " + e.getDescription());
                pattern = null;
            }
        } else if (topics.isEmpty()) {
            r.problem(p + "topics", "", "name at least one topic, or set " + p + "topic-pattern");
        }
        StartFrom startFrom = r.enumValue(p + "starting-offsets", StartFrom.class, StartFrom.COMMITTED);
        OffsetFallback fallback =
                r.enumValue(p + "committed-offsets-fallback", OffsetFallback.class, OffsetFallback.EARLIEST);
        ReadLimit start = readLimit(
                r, p + "starting-", startFrom.name(), startFrom == StartFrom.TIMESTAMP, startFrom == StartFrom.OFFSETS);
        StopAt stopAt = r.enumValue(p + "stopping-offsets", StopAt.class, StopAt.NONE);
        ReadLimit stop =
                readLimit(r, p + "stopping-", stopAt.name(), stopAt == StopAt.TIMESTAMP, stopAt == StopAt.OFFSETS);
        checkReadable(r, p + "starting-partition-offsets", start.offsets(), topics, pattern);
        checkReadable(r, p + "stopping-partition-offsets", stop.offsets(), topics, pattern);
        checkRange(r, start, stop);
        Map<String, String> properties = new LinkedHashMap<>();
        r.stringMap(p + "properties")
                .forEach((k, v) -> properties.put(k, resolveEnv(r, p + "properties." + k, v, environment)));
        return new SourceSettings(
                bootstrap,
                topics,
                pattern,
                r.string(p + "group-id", "streamwatch"),
                startFrom,
                fallback,
                start.timestamp(),
                start.offsets(),
                stopAt,
                stop.timestamp(),
                stop.offsets(),
                r.duration(p + "partition-discovery-interval", Duration.ofMinutes(5), Duration.ZERO),
                properties);
    }

    /** Where reading starts or stops, beyond the mode: a timestamp or explicit offsets. */
    private record ReadLimit(Instant timestamp, List<PartitionOffset> offsets) {}

    /**
     * Reads {@code <prefix>timestamp} and {@code <prefix>partition-offsets}, each required when the
     * mode (the {@code <prefix>offsets} key) names it, and refused when set while the mode does not,
     * so that a replay never silently reads from somewhere else than its configuration says.
     */
    private static ReadLimit readLimit(
            ConfigReader r, String prefix, String mode, boolean wantsTimestamp, boolean wantsOffsets) {
        String modeKey = prefix + "offsets";
        String modeValue = mode.toLowerCase(java.util.Locale.ROOT);
        Instant timestamp = r.instant(prefix + "timestamp", null);
        if (wantsTimestamp && timestamp == null) {
            r.problem(prefix + "timestamp", null, "required when " + modeKey + " is timestamp");
        } else if (!wantsTimestamp && timestamp != null) {
            r.problem(
                    prefix + "timestamp",
                    "set, but " + modeKey + " is " + modeValue + "; set " + modeKey + " to timestamp, or remove it");
        }
        String offsetsKey = prefix + "partition-offsets";
        List<PartitionOffset> offsets = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (String entry : r.stringList(offsetsKey, List.of())) {
            try {
                PartitionOffset o = PartitionOffset.parse(entry);
                if (seen.add(o.partitionName())) {
                    offsets.add(o);
                } else {
                    r.problem(offsetsKey, "names " + o.partitionName() + " twice");
                }
            } catch (IllegalArgumentException e) {
                r.problem(offsetsKey, entry, e.getMessage());
            }
        }
        if (wantsOffsets && offsets.isEmpty()) {
            r.problem(
                    offsetsKey,
                    null,
                    "required when " + modeKey + " is offsets: " + PartitionOffset.FORM
                            + ", one for every partition of the topics read");
        } else if (!wantsOffsets && !offsets.isEmpty()) {
            r.problem(
                    offsetsKey,
                    "set, but " + modeKey + " is " + modeValue + "; set " + modeKey + " to offsets, or remove it");
        }
        return new ReadLimit(timestamp, wantsOffsets ? List.copyOf(offsets) : List.of());
    }

    /** Offsets may name only topics the job reads. */
    private static void checkReadable(
            ConfigReader r, String key, List<PartitionOffset> offsets, List<String> topics, String pattern) {
        for (PartitionOffset o : offsets) {
            boolean read = pattern != null
                    ? Pattern.compile(pattern).matcher(o.topic()).matches()
                    : topics.contains(o.topic());
            if (!read) {
                r.problem(
                        key,
                        o + " names topic " + o.topic() + ", which the job does not read ("
                                + (pattern != null
                                        ? "source.kafka.topic-pattern: " + pattern
                                        : "source.kafka.topics: " + String.join(", ", topics))
                                + ")");
            }
        }
    }

    /** A range must not end before it begins. */
    private static void checkRange(ConfigReader r, ReadLimit start, ReadLimit stop) {
        if (start.timestamp() != null
                && stop.timestamp() != null
                && !stop.timestamp().isAfter(start.timestamp())) {
            r.problem(
                    "source.kafka.stopping-timestamp",
                    stop.timestamp(),
                    "must be after source.kafka.starting-timestamp (" + start.timestamp() + ")");
        }
        Map<String, Long> first = new java.util.HashMap<>();
        start.offsets().forEach(o -> first.put(o.partitionName(), o.offset()));
        for (PartitionOffset o : stop.offsets()) {
            Long from = first.get(o.partitionName());
            if (from != null && o.offset() < from) {
                r.problem(
                        "source.kafka.stopping-partition-offsets",
                        o.toString(),
                        "must not be before its starting offset " + from
                                + " (source.kafka.starting-partition-offsets)");
            }
        }
    }

    /** The password comes only from the environment variable named by {@code sink.jdbc.password-env}. */
    private static JdbcSinkSettings readJdbc(ConfigReader r, Map<String, String> environment) {
        String p = "sink.jdbc.";
        String url = r.string(p + "url", "jdbc:postgresql://localhost:5432/streamwatch");
        String user = r.string(p + "user", "streamwatch");
        String passwordEnv = r.string(p + "password-env", "STREAMWATCH_DB_PASSWORD");
        int batchSize = r.intIn(p + "batch-size", JdbcSettings.DEFAULT_BATCH_SIZE, 1, 100_000);
        Duration interval = r.duration(
                p + "batch-interval", Duration.ofMillis(JdbcSettings.DEFAULT_BATCH_INTERVAL_MS), Duration.ZERO);
        int retries = r.intIn(p + "max-retries", JdbcSettings.DEFAULT_MAX_RETRIES, 0, 100);
        boolean migrate = r.bool(p + "migrate", true);
        try {
            return new JdbcSinkSettings(
                    new JdbcSettings(url, user, environment.get(passwordEnv), batchSize, interval.toMillis(), retries),
                    migrate);
        } catch (IllegalArgumentException e) {
            r.problem(p + "url", e.getMessage());
            return null;
        }
    }

    /** Replaces {@code ${env:NAME}} with the variable's value, so Kafka secrets stay out of the file. */
    static String resolveEnv(ConfigReader r, String key, String value, Map<String, String> environment) {
        Matcher m = ENV_REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String v = environment.get(name);
            if (v == null) {
                r.problem(key, "${env:" + name + "}", "environment variable " + name + " is not set");
                v = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static ContractSettings readContract(ConfigReader r) {
        String p = "contract.";
        ContractSettings d = ContractSettings.defaults();
        FieldNames defaults = readFields(r, p + "fields.", d.defaultFields());
        Map<String, FieldNames> byTopic = new LinkedHashMap<>();
        List<Map<String, Object>> topicFields = r.mapList(p + "topic-fields");
        for (int i = 0; i < topicFields.size(); i++) {
            String where = p + "topic-fields[" + i + "]";
            ConfigReader entry = r.entry(where, topicFields.get(i));
            String topic = entry.requiredString(where + ".topic", "the topic these field names apply to");
            FieldNames names = readFields(entry, where + ".", defaults);
            entry.reportUnknownKeys();
            if (topic != null) byTopic.put(topic, names);
        }
        return new ContractSettings(
                r.intIn(p + "max-record-bytes", d.maxRecordBytes(), 64, 64 << 20),
                r.intIn(p + "max-key-length", d.maxKeyLength(), 1, 65_536),
                r.intIn(p + "max-attributes", d.maxAttributes(), 0, 10_000),
                r.doubleIn(
                        p + "max-abs-value",
                        d.maxAbsValue(),
                        Double.MIN_NORMAL,
                        ContractSettings.DEFAULT_MAX_ABS_VALUE),
                r.duration(p + "max-future-skew", d.maxFutureSkew(), Duration.ZERO),
                r.instant(p + "earliest-event-time", d.earliestEventTime()),
                r.bool(p + "reject-unknown-fields", d.rejectUnknownFields()),
                defaults,
                Map.copyOf(byTopic));
    }

    private static FieldNames readFields(ConfigReader r, String prefix, FieldNames defaults) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < FieldNames.KEYS.size(); i++) {
            names.add(r.string(prefix + FieldNames.KEYS.get(i), defaults.all().get(i)));
        }
        return FieldNames.of(names);
    }
}
