package io.streamwatch.source;

import io.streamwatch.model.Ingested;
import io.streamwatch.serde.ContractSettings;
import io.streamwatch.serde.EventParser;
import io.streamwatch.serde.KafkaEventDeserializer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.KafkaSourceOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;

/** Builds the Kafka source from configuration: topics or a pattern, where to start and stop, client properties. */
public final class KafkaIngest {
    private static final long BROKER_TIMEOUT_SECONDS = 30;

    private KafkaIngest() {}

    /** A builder, so that tests can add {@code setBounded(...)} and still read like production. */
    public static KafkaSourceBuilder<Ingested> builder(SourceSettings source, ContractSettings contract) {
        KafkaSourceBuilder<Ingested> b = KafkaSource.<Ingested>builder()
                .setBootstrapServers(source.bootstrapServers())
                .setGroupId(source.groupId())
                .setStartingOffsets(startingOffsets(source))
                .setDeserializer(new KafkaEventDeserializer(new EventParser(contract)));
        if (source.bounded()) b.setBounded(stoppingOffsets(source));
        if (source.topicPattern() != null) {
            b.setTopicPattern(Pattern.compile(source.topicPattern()));
        } else {
            b.setTopics(source.topics());
        }
        // user properties first, so that the settings below are the ones in force
        source.kafkaProperties().forEach(b::setProperty);
        b.setProperty(
                KafkaSourceOptions.PARTITION_DISCOVERY_INTERVAL_MS.key(),
                String.valueOf(source.partitionDiscoveryInterval().toMillis()));
        return b;
    }

    @SuppressWarnings("deprecation") // the connector's API still takes OffsetResetStrategy
    static OffsetsInitializer startingOffsets(SourceSettings source) {
        return switch (source.startFrom()) {
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case TIMESTAMP ->
                OffsetsInitializer.timestamp(source.startTimestamp().toEpochMilli());
            case OFFSETS -> OffsetsInitializer.offsets(byPartition(source.startOffsets()));
            case COMMITTED ->
                OffsetsInitializer.committedOffsets(
                        source.committedFallback() == SourceSettings.OffsetFallback.EARLIEST
                                ? OffsetResetStrategy.EARLIEST
                                : OffsetResetStrategy.LATEST);
        };
    }

    static OffsetsInitializer stoppingOffsets(SourceSettings source) {
        return switch (source.stopAt()) {
            case LATEST -> OffsetsInitializer.latest();
            case TIMESTAMP ->
                OffsetsInitializer.timestamp(source.stopTimestamp().toEpochMilli());
            case OFFSETS -> OffsetsInitializer.offsets(byPartition(source.stopOffsets()));
            case NONE -> throw new IllegalArgumentException("the source is not bounded");
        };
    }

    private static Map<TopicPartition, Long> byPartition(List<PartitionOffset> offsets) {
        Map<TopicPartition, Long> map = new HashMap<>();
        offsets.forEach(o -> map.put(o.topicPartition(), o.offset()));
        return map;
    }

    /**
     * What the broker says is wrong with explicit starting or stopping offsets, before the job
     * starts: the configuration alone cannot tell that a partition is missing, does not exist, or
     * that an offset is outside what the partition holds (Kafka would silently start elsewhere).
     * Empty when no explicit offsets are configured; the broker is asked only then.
     *
     * @return one line per problem, each naming its key, as the configuration's problems do
     */
    public static List<String> offsetProblems(SourceSettings source) {
        boolean start = source.startFrom() == SourceSettings.StartFrom.OFFSETS;
        boolean stop = source.stopAt() == SourceSettings.StopAt.OFFSETS;
        if (!start && !stop) return List.of();
        Map<String, Object> properties = new HashMap<>(source.kafkaProperties());
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, source.bootstrapServers());
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) BROKER_TIMEOUT_SECONDS * 1000);
        try (Admin admin = Admin.create(properties)) {
            Map<String, Integer> partitions = partitionsRead(admin, source);
            List<String> problems = new ArrayList<>();
            if (start)
                problems.addAll(
                        problems(admin, SourceSettings.STARTING_OFFSETS_KEY, source.startOffsets(), partitions));
            if (stop)
                problems.addAll(problems(admin, SourceSettings.STOPPING_OFFSETS_KEY, source.stopOffsets(), partitions));
            return problems;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            return List.of((start ? SourceSettings.STARTING_OFFSETS_KEY : SourceSettings.STOPPING_OFFSETS_KEY)
                    + ": cannot check the offsets against the broker at " + source.bootstrapServers() + ": "
                    + cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the broker for partitions", e);
        }
    }

    /** Topic to its number of partitions, for the topics the job reads now; a listed topic that does not exist maps to 0. */
    private static Map<String, Integer> partitionsRead(Admin admin, SourceSettings source)
            throws ExecutionException, InterruptedException, TimeoutException {
        Collection<String> topics;
        if (source.topicPattern() != null) {
            Pattern pattern = Pattern.compile(source.topicPattern());
            topics = admin.listTopics().names().get(BROKER_TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                    .filter(t -> pattern.matcher(t).matches())
                    .toList();
        } else {
            topics = source.topics();
        }
        Map<String, Integer> partitions = new TreeMap<>();
        for (String topic : topics) {
            try {
                TopicDescription d = admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get(BROKER_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                        .get(topic);
                partitions.put(topic, d.partitions().size());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) throw e;
                partitions.put(topic, 0);
            }
        }
        return partitions;
    }

    private static List<String> problems(
            Admin admin, String key, List<PartitionOffset> offsets, Map<String, Integer> partitions)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<String> problems = new ArrayList<>();
        Map<TopicPartition, PartitionOffset> named = new HashMap<>();
        for (PartitionOffset o : offsets) {
            Integer count = partitions.get(o.topic());
            if (count == null) continue; // a topic the job does not read: the configuration reports it
            if (count == 0) {
                problems.add(key + ": " + o + " names topic " + o.topic() + ", which does not exist on the broker");
            } else if (o.partition() >= count) {
                problems.add(key + ": " + o + " names a partition " + o.topic() + " does not have ("
                        + partitionRange(o.topic(), count) + ")");
            } else {
                named.put(o.topicPartition(), o);
            }
        }
        partitions.forEach((topic, count) -> {
            List<String> missing = new ArrayList<>();
            for (int p = 0; p < count; p++) {
                if (!named.containsKey(new TopicPartition(topic, p))) missing.add(topic + ":" + p);
            }
            if (!missing.isEmpty()) {
                problems.add(key + ": no offset for " + String.join(", ", missing)
                        + "; name every partition of the topics read (" + partitionRange(topic, count) + ")");
            }
        });
        if (named.isEmpty()) return problems;
        Map<TopicPartition, Long> first = listOffsets(admin, named.keySet(), OffsetSpec.earliest());
        Map<TopicPartition, Long> end = listOffsets(admin, named.keySet(), OffsetSpec.latest());
        named.values().stream()
                .sorted(java.util.Comparator.comparing(PartitionOffset::partitionName))
                .forEach(o -> {
                    long from = first.get(o.topicPartition());
                    long to = end.get(o.topicPartition());
                    if (o.offset() < from) {
                        problems.add(key + ": " + o + " is before the partition's first offset " + from
                                + " (older records are deleted); use " + from + " or later");
                    } else if (o.offset() > to) {
                        problems.add(
                                key + ": " + o + " is past the partition's end offset " + to + "; use at most " + to);
                    }
                });
        return problems;
    }

    private static Map<TopicPartition, Long> listOffsets(
            Admin admin, Collection<TopicPartition> partitions, OffsetSpec spec)
            throws ExecutionException, InterruptedException, TimeoutException {
        return admin
                .listOffsets(partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> spec)))
                .all()
                .get(BROKER_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .entrySet()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private static String partitionRange(String topic, int count) {
        return topic + " has partition" + (count == 1 ? " 0" : "s 0-" + (count - 1));
    }
}
