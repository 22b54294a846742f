package io.streamwatch.serde;

import io.streamwatch.model.Ingested;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reads each Kafka record into an {@link Ingested}: the event, or a dead letter with its coordinates. */
public final class KafkaEventDeserializer implements KafkaRecordDeserializationSchema<Ingested> {
    private static final long serialVersionUID = 1L;

    static {
        // On a cluster, Kafka's clients (the JobManager's admin client, the TaskManager's consumers)
        // may close on their own threads after Flink has closed the job's class loader, and the
        // client loads Selector$CloseMode only then: a NoClassDefFoundError in the log whenever a
        // job ends. This class is loaded wherever the source is, so loading that one now avoids it.
        try {
            Class.forName(
                    "org.apache.kafka.common.network.Selector$CloseMode",
                    true,
                    KafkaEventDeserializer.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            // a Kafka client without the class cannot fail to load it at close either
        }
    }

    private final EventParser parser;

    public KafkaEventDeserializer(EventParser parser) {
        this.parser = parser;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Ingested> out) {
        long timestamp = record.timestamp() >= 0 ? record.timestamp() : -1L;
        out.collect(parser.parse(
                record.topic(),
                record.partition(),
                record.offset(),
                timestamp,
                record.value(),
                System.currentTimeMillis()));
    }

    @Override
    public TypeInformation<Ingested> getProducedType() {
        return TypeInformation.of(Ingested.class);
    }
}
