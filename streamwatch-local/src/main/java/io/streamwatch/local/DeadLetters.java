package io.streamwatch.local;

import io.streamwatch.config.Durations;
import io.streamwatch.model.DeadLetter.ErrorCode;
import io.streamwatch.model.SafeText;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ./streamwatch dead-letters list|show|replay}: the records the job refused, decoded where
 * they are text, and re-published, byte for byte or through a field mapping, to a topic the job
 * reads, with headers that say where each came from. Each re-published row is marked (how often,
 * when, where to, how mapped), so that a record is not re-published twice by accident; if it is
 * (--again), the job's dedupe counts it once while its id is remembered.
 */
@Command(
        name = "dead-letters",
        mixinStandardHelpOptions = true,
        subcommands = {DeadLetters.ListRows.class, DeadLetters.Show.class, DeadLetters.Replay.class},
        description = {
            "Inspects the records the job refused (the dead_letters table) and re-publishes chosen ones to a topic the job reads.",
            "Connects to PostgreSQL as psql does: PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGOPTIONS"
                    + " (e.g. '-c search_path=replay' for a schema), PGSSLMODE. ./streamwatch db prints them for a demo's database."
        })
final class DeadLetters implements Runnable {
    /** Header names of a re-published record: where it came from. */
    static final String HEADER_SOURCE_TOPIC = "streamwatch.replay.source-topic";

    static final String HEADER_SOURCE_PARTITION = "streamwatch.replay.source-partition";
    static final String HEADER_SOURCE_OFFSET = "streamwatch.replay.source-offset";
    static final String HEADER_ERROR_CODE = "streamwatch.replay.error-code";
    static final String HEADER_REPLAYED_AT = "streamwatch.replay.replayed-at";
    static final String HEADER_MAPPING = "streamwatch.replay.mapping";

    private static final int PREVIEW_CHARACTERS = 120;
    private static final long KAFKA_TIMEOUT_SECONDS = 30;

    private final Map<String, String> environment;

    @Spec
    CommandSpec spec;

    DeadLetters() {
        this(System.getenv());
    }

    /** @param environment where the PG* variables are read */
    DeadLetters(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a subcommand: list, show or replay");
    }

    /** The options that choose rows, shared by the three subcommands. */
    static final class Selection {
        @Option(
                names = "--code",
                split = ",",
                paramLabel = "CODE",
                description = "only these error codes, e.g. WRONG_TYPE,MISSING_FIELD (README: the dead-letter codes)")
        List<String> codes = new ArrayList<>();

        @Option(names = "--topic", paramLabel = "TOPIC", description = "only records read from this topic")
        String topic;

        @Option(
                names = "--since",
                paramLabel = "TIME",
                description = "only records written to Kafka at or after TIME: an ISO-8601 instant"
                        + " (2024-05-01T12:00:00Z) or a duration ago (2h)")
        String since;

        @Option(
                names = "--until",
                paramLabel = "TIME",
                description = "only records written to Kafka before TIME, as --since")
        String until;

        @Option(
                names = "--limit",
                paramLabel = "N",
                defaultValue = "100",
                description = "at most N rows, oldest first (default: ${DEFAULT-VALUE})")
        int limit;

        @Parameters(
                paramLabel = "RECORD",
                arity = "0..*",
                description = "only these records, as TOPIC:PARTITION@OFFSET (list prints them so)")
        List<String> records = new ArrayList<>();

        DeadLetterStore.Criteria criteria(Instant now) {
            TrafficOptions.atLeast("limit", limit, 1);
            List<String> known =
                    Arrays.stream(ErrorCode.values()).map(Enum::name).toList();
            List<String> upper =
                    codes.stream().map(c -> c.strip().toUpperCase(Locale.ROOT)).toList();
            for (String code : upper) {
                if (!known.contains(code)) {
                    throw new LauncherException("--code " + code + " is not a dead-letter code; expected one of "
                            + String.join(", ", known));
                }
            }
            return new DeadLetterStore.Criteria(
                    upper,
                    topic,
                    time("--since", since, now),
                    time("--until", until, now),
                    records.stream().map(DeadLetterStore.RecordId::parse).toList(),
                    limit);
        }

        private static Instant time(String flag, String text, Instant now) {
            if (text == null) return null;
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException notAnInstant) {
                try {
                    return now.minus(Durations.parse(text));
                } catch (RuntimeException notADuration) {
                    throw new LauncherException(flag + " '" + text + "' is not valid; expected an ISO-8601 instant such"
                            + " as 2024-05-01T12:00:00Z, or a duration ago such as " + Durations.EXAMPLES);
                }
            }
        }
    }

    /** What the subcommands share: the environment, the rows chosen, where to print. */
    private abstract static class Subcommand implements Callable<Integer> {
        @ParentCommand
        DeadLetters parent;

        @Mixin
        Selection selection;

        @Spec
        CommandSpec spec;
    }

    /** What list and show share: the rows that match, each printed in its way, then how many matched. */
    private abstract static class Printing extends Subcommand {
        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            DeadLetterStore.Criteria criteria = selection.criteria(Instant.now());
            try (DeadLetterStore store = DeadLetterStore.open(parent.environment)) {
                List<DeadLetterStore.Row> rows = store.select(criteria, true);
                rows.forEach(row -> print(row, out));
                footer(out, rows.size(), store.count(criteria, true), store.where());
            }
            return 0;
        }

        abstract void print(DeadLetterStore.Row row, PrintWriter out);
    }

    /** {@code dead-letters list}: one line per row. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = "Lists refused records, one per line: where from, when, the code, why, and the payload"
                    + " (decoded where it is text, shortened), with replays.")
    static final class ListRows extends Printing {
        @Override
        void print(DeadLetterStore.Row row, PrintWriter out) {
            out.println(String.join(
                    "  ",
                    row.id(),
                    String.valueOf(row.kafkaTimestamp() != null ? row.kafkaTimestamp() : row.receivedAt()),
                    row.errorCode(),
                    SafeText.escape(String.valueOf(row.message())),
                    preview(row)
                            + (row.replayCount() > 0
                                    ? "  [replayed " + row.replayCount() + "x, last to " + row.replayedTo() + "]"
                                    : "")));
        }
    }

    /** {@code dead-letters show}: every column of each row, the whole payload. */
    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = "Shows refused records whole: every column and the full payload, decoded where it is text,"
                    + " else as hex.")
    static final class Show extends Printing {
        @Override
        void print(DeadLetterStore.Row row, PrintWriter out) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("kafka timestamp", row.kafkaTimestamp());
            fields.put("refused at", row.receivedAt());
            fields.put("code", row.errorCode());
            fields.put("message", SafeText.escape(row.message()));
            fields.put("stage", row.stage());
            fields.put("exception", row.exceptionClass());
            fields.put("payload format", row.payloadFormat());
            fields.put(
                    "replayed",
                    row.replayCount() == 0
                            ? "never"
                            : row.replayCount() + "x, last at " + row.replayedAt() + " to " + row.replayedTo() + " ("
                                    + (row.replayMapping() == null ? "byte for byte" : row.replayMapping()) + ")");
            out.println(row.id());
            fields.forEach((k, v) -> {
                if (v != null) out.println("  " + k + ": " + v);
            });
            String text = text(row.payload());
            out.println("  payload (" + row.payload().length + " bytes"
                    + (text != null ? ", UTF-8 text" : ", not UTF-8 text: hex") + "):");
            (text != null ? SafeText.escape(text) : hex(row.payload()))
                    .lines()
                    .forEach(line -> out.println("    " + line));
        }
    }

    /** {@code dead-letters replay}: re-publishes the chosen rows and marks them. */
    @Command(
            name = "replay",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Re-publishes refused records to a topic the job reads (by default the one each came from, in its"
                        + " partition), byte for byte or through a field mapping, with headers "
                        + HEADER_SOURCE_TOPIC + ", " + HEADER_SOURCE_PARTITION + ", " + HEADER_SOURCE_OFFSET + ", "
                        + HEADER_ERROR_CODE + ", " + HEADER_REPLAYED_AT + " (and " + HEADER_MAPPING
                        + " when mapped), and marks each row: how often, when, where to, how mapped.",
                "Rows replayed before are left out unless --again; a record re-published twice is counted once by"
                        + " the job's dedupe while its event id is remembered (dedupe.retention)."
            })
    static final class Replay extends Subcommand {
        @Option(
                names = "--bootstrap-servers",
                paramLabel = "HOST:PORT",
                required = true,
                description = "the Kafka the job reads")
        String bootstrapServers;

        @Option(
                names = "--to-topic",
                paramLabel = "TOPIC",
                description = "publish here (Kafka picks the partition) instead of each record's own topic and"
                        + " partition")
        String toTopic;

        @Option(
                names = "--rename",
                paramLabel = "FROM=TO",
                description = "rename a top-level JSON field, e.g. id=event_id (repeatable; before --fix)")
        List<String> renames = new ArrayList<>();

        @Option(
                names = "--fix",
                paramLabel = "FIELD=CONVERSION",
                description = "convert a top-level value: number (\"12\" to 12), string (42 to \"42\"),"
                        + " epoch-seconds (seconds to milliseconds); e.g. value=number (repeatable)")
        List<String> fixes = new ArrayList<>();

        @Option(names = "--again", description = "also rows replayed before")
        boolean again;

        @Option(
                names = "--dry-run",
                description = "print what would be sent, mapped and decoded; send nothing, mark nothing")
        boolean dryRun;

        @Option(
                names = "--kafka-property",
                paramLabel = "KEY=VALUE",
                description = "a Kafka client property (TLS, SASL), repeatable")
        Map<String, String> kafkaProperties = new HashMap<>();

        @Option(
                names = "--data",
                paramLabel = "DIR",
                defaultValue = "local-data",
                description = "folder for the log file (default: ${DEFAULT-VALUE})")
        Path data;

        /** A row chosen for the replay, as it will be sent. */
        private record Outgoing(DeadLetterStore.Row row, byte[] value, String topic, Integer partition) {}

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            FieldMapping mapping = FieldMapping.parse(renames, fixes);
            DeadLetterStore.Criteria criteria = selection.criteria(Instant.now());
            Launcher.logTo(DataDir.open(data, false).logFile());
            try (DeadLetterStore store = DeadLetterStore.open(parent.environment)) {
                if (!dryRun) store.requireReplayColumns();
                List<DeadLetterStore.Row> rows = store.select(criteria, again);
                long matching = store.count(criteria, again);
                long replayedBefore = again ? 0 : store.count(criteria, true) - matching;
                List<Outgoing> outgoing = new ArrayList<>();
                int skipped = 0;
                for (DeadLetterStore.Row row : rows) {
                    String refusal = refusal(row);
                    byte[] value = null;
                    if (refusal == null) {
                        try {
                            value = mapping.apply(row.payload());
                        } catch (FieldMapping.NotMappable e) {
                            refusal = e.getMessage();
                        }
                    }
                    if (refusal != null) {
                        out.println(row.id() + "  not replayed: " + refusal);
                        skipped++;
                        continue;
                    }
                    outgoing.add(new Outgoing(
                            row,
                            value,
                            toTopic != null ? toTopic : row.topic(),
                            toTopic != null ? null : row.partition()));
                }
                if (dryRun) {
                    outgoing.forEach(o -> out.println(row(o) + "  would go to " + o.topic()
                            + (o.partition() == null ? "" : ":" + o.partition()) + ": " + preview(o.value())));
                } else if (!outgoing.isEmpty()) {
                    publish(outgoing, mapping, store, out);
                }
                out.println((dryRun ? "Would replay " : "Replayed ") + outgoing.size() + " of " + rows.size()
                        + " selected row" + (rows.size() == 1 ? "" : "s") + " (" + mapping + ")"
                        + (skipped > 0 ? "; " + skipped + " not replayed, see above" : "")
                        + (replayedBefore > 0
                                ? "; " + replayedBefore + " matching row" + (replayedBefore == 1 ? " was" : "s were")
                                        + " replayed before (--again includes them)"
                                : "")
                        + ".");
                footer(out, rows.size(), matching, store.where());
            }
            return 0;
        }

        private static String row(Outgoing o) {
            return o.row().id() + " (" + o.row().errorCode() + ")";
        }

        /** Why a row cannot be re-published at all; null if it can. */
        private static String refusal(DeadLetterStore.Row row) {
            if (!row.fromKafka()) {
                return "not a Kafka record: a result the job refused (" + row.topic() + ", " + row.errorCode() + ")";
            }
            if (!"RAW".equals(row.payloadFormat())) {
                return "its payload is the event as a stage saw it (" + row.payloadFormat()
                        + "), not the record as read";
            }
            return null;
        }

        private void publish(List<Outgoing> outgoing, FieldMapping mapping, DeadLetterStore store, PrintWriter out)
                throws Exception {
            Map<String, Object> properties = new HashMap<>(kafkaProperties);
            properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            try (Admin admin = KafkaTraffic.connect(properties)) {
                requireTargets(admin, outgoing);
            }
            properties.put(ProducerConfig.ACKS_CONFIG, "all");
            properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            properties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 64 << 20);
            Instant at = Instant.now();
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (Outgoing o : outgoing) {
                    ProducerRecord<byte[], byte[]> record =
                            new ProducerRecord<>(o.topic(), o.partition(), null, null, o.value());
                    header(record, HEADER_SOURCE_TOPIC, o.row().topic());
                    header(
                            record,
                            HEADER_SOURCE_PARTITION,
                            String.valueOf(o.row().partition()));
                    header(record, HEADER_SOURCE_OFFSET, String.valueOf(o.row().offset()));
                    header(record, HEADER_ERROR_CODE, o.row().errorCode());
                    header(record, HEADER_REPLAYED_AT, at.toString());
                    if (!mapping.isIdentity()) header(record, HEADER_MAPPING, mapping.describe());
                    sent.add(producer.send(record));
                }
                producer.flush();
                // a row is marked only once the broker has its copy: a failure in between leaves it
                // unmarked, and replaying it again is what the job's dedupe is for
                for (int i = 0; i < outgoing.size(); i++) {
                    Outgoing o = outgoing.get(i);
                    try {
                        RecordMetadata m = sent.get(i).get(KAFKA_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                        store.markReplayed(o.row(), m.topic(), m.partition(), m.offset(), mapping.describe(), at);
                        out.println(row(o) + "  -> "
                                + DeadLetterStore.RecordId.format(m.topic(), m.partition(), m.offset()));
                    } catch (ExecutionException e) {
                        out.println(row(o) + "  not replayed: Kafka refused it: "
                                + e.getCause().getMessage());
                    }
                }
            }
        }

        /** Every target topic exists, and so does every partition a record goes back to. */
        private void requireTargets(Admin admin, List<Outgoing> outgoing) throws Exception {
            List<String> topics =
                    outgoing.stream().map(Outgoing::topic).distinct().toList();
            Map<String, TopicDescription> described;
            try {
                described = admin.describeTopics(topics).allTopicNames().get(KAFKA_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new LauncherException("cannot publish to " + String.join(", ", topics) + " at " + bootstrapServers
                        + ": " + e.getCause().getMessage());
            }
            for (Outgoing o : outgoing) {
                int partitions = described.get(o.topic()).partitions().size();
                if (o.partition() != null && o.partition() >= partitions) {
                    throw new LauncherException(o.row().id() + " came from partition " + o.partition() + ", which "
                            + o.topic() + " no longer has (" + partitions + " partitions); use --to-topic");
                }
            }
        }

        private static void header(ProducerRecord<byte[], byte[]> record, String name, String value) {
            record.headers().add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static void footer(PrintWriter out, int shown, long matching, String where) {
        out.println(
                shown == matching
                        ? matching + " matching row" + (matching == 1 ? "" : "s") + " in " + where
                        : shown + " of " + matching + " matching rows in " + where + " (raise --limit for more)");
    }

    /** The payload in one line: its text (control characters escaped, shortened), or its size and first bytes. */
    static String preview(DeadLetterStore.Row row) {
        return preview(row.payload());
    }

    static String preview(byte[] payload) {
        if (payload.length == 0) return "<empty>";
        String text = text(payload);
        if (text == null) {
            String hex =
                    hex(Arrays.copyOf(payload, Math.min(payload.length, 16))).strip();
            return "<" + payload.length + " bytes, not UTF-8 text: " + hex + (payload.length > 16 ? " ..." : "") + ">";
        }
        String line = SafeText.escape(text);
        return line.length() <= PREVIEW_CHARACTERS
                ? line
                : line.substring(0, PREVIEW_CHARACTERS) + "... (" + payload.length + " bytes)";
    }

    /** The payload as UTF-8 text, or null when it is not valid UTF-8. */
    static String text(byte[] payload) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** 16 bytes a line, as hex pairs. */
    static String hex(byte[] payload) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < payload.length; i++) {
            out.append(String.format("%02x", payload[i] & 0xff)).append(i % 16 == 15 ? "\n" : " ");
        }
        return out.toString();
    }
}
