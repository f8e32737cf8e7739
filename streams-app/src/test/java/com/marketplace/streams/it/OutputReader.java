package com.marketplace.streams.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a whole topic as a read_committed consumer, up to its last stable offset. */
public final class OutputReader {

    private OutputReader() {
    }

    /** Every committed record of {@code topic}, values read with {@code values}. */
    public static <V> List<ConsumerRecord<String, V>> readCommitted(String bootstrap, String topic, Deserializer<V> values) {
        return readCommitted(bootstrap, topic, new StringDeserializer(), values);
    }

    /** Every committed record of {@code topic}, keys and values as they are stored. */
    public static List<ConsumerRecord<byte[], byte[]>> readCommittedRaw(String bootstrap, String topic) {
        return readCommitted(bootstrap, topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static <K, V> List<ConsumerRecord<K, V>> readCommitted(String bootstrap, String topic, Deserializer<K> keys,
                                                                   Deserializer<V> values) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, keys, values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** Raw bytes variant. */
    public static List<ConsumerRecord<String, byte[]>> readCommittedBytes(String bootstrap, String topic) {
        return readCommitted(bootstrap, topic, new ByteArrayDeserializer());
    }
}
