package io.streamwatch.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KafkaExtensionITCase {

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void producesAndConsumesRecordsAsBytes() {
        String topic = KAFKA.createTopic("smoke", 2);
        byte[] notUtf8 = {(byte) 0xc3, 0x28, (byte) 0xff};
        byte[] twoMiB = new byte[2 * 1024 * 1024];

        long offset = KAFKA.produce(topic, 1, "k".getBytes(UTF_8), notUtf8, 1_700_000_000_000L);
        KAFKA.produce(topic, 0, null, twoMiB, 1_700_000_000_001L);

        List<ConsumerRecord<byte[], byte[]>> records = KAFKA.consume(topic, 2, Duration.ofSeconds(30));
        assertThat(offset).isZero();
        assertThat(records).hasSize(2);
        ConsumerRecord<byte[], byte[]> first =
                records.stream().filter(r -> r.partition() == 1).findFirst().orElseThrow();
        assertThat(first.key()).isEqualTo("k".getBytes(UTF_8));
        assertThat(first.value()).isEqualTo(notUtf8);
        assertThat(first.timestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(records).anySatisfy(r -> assertThat(r.value()).hasSize(twoMiB.length));
    }
}
