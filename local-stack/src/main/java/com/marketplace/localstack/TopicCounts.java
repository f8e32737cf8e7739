package com.marketplace.localstack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts the committed records of some topics, as a {@code read_committed} consumer sees them, so
 * the demo can show what reached each topic. End offsets cannot be used directly: under
 * exactly-once every transaction leaves a marker that takes an offset but is not a record.
 * Meant for the local stack's small topics: it reads every record once.
 */
public final class TopicCounts {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private TopicCounts() {
    }

    /**
     * Committed records per topic, in the order given.
     *
     * @throws IllegalStateException when the topics cannot be read to their end within 20 s
     */
    public static Map<String, Long> committed(String bootstrapServers, List<String> topics) {
        return committedSince(bootstrapServers, topics, Map.of());
    }

    /**
     * Where each partition of {@code topics} ends now for a {@code read_committed} consumer (before any
     * transaction still open): what {@link #committedSince} counts from.
     */
    public static Map<TopicPartition, Long> ends(String bootstrapServers, List<String> topics) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties(bootstrapServers))) {
            return consumer.endOffsets(partitions(consumer, topics), TIMEOUT);
        }
    }

    /**
     * Committed records per topic from the offsets {@code from} on ({@link #ends}), from the start of
     * a partition {@code from} does not name, in the order given.
     *
     * @throws IllegalStateException when the topics cannot be read to their end within 20 s
     */
    public static Map<String, Long> committedSince(String bootstrapServers, List<String> topics,
                                                   Map<TopicPartition, Long> from) {
        Map<String, Long> counts = new LinkedHashMap<>();
        topics.forEach(topic -> counts.put(topic, 0L));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties(bootstrapServers))) {
            List<TopicPartition> partitions = partitions(consumer, topics);
            consumer.assign(partitions);
            for (TopicPartition partition : partitions) {
                Long start = from.get(partition);
                if (start == null) {
                    consumer.seekToBeginning(List.of(partition));
                } else {
                    consumer.seek(partition, start);
                }
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!atEnd(consumer, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topics + " to their end within " + TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    counts.merge(record.topic(), 1L, Long::sum);
                }
            }
        }
        return counts;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, List<String> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            for (PartitionInfo info : consumer.partitionsFor(topic, TIMEOUT)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        return partitions;
    }

    /**
     * Waits until consumer group {@code groupId} has committed every record of {@code inputTopics}
     * written so far. The streams app commits its input offsets in the transaction of the records it
     * derived from them, so those are then committed too, and {@link #committed} counts them all.
     *
     * @throws IllegalStateException when the group has not caught up within 20 s
     */
    public static void awaitConsumed(String bootstrapServers, String groupId, List<String> inputTopics)
            throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            admin.describeTopics(inputTopics).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((topic, description) -> description.partitions().forEach(partition ->
                            latest.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest())));
            Map<TopicPartition, Long> ends = new LinkedHashMap<>();
            admin.listOffsets(latest).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((partition, info) -> ends.put(partition, info.offset()));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!consumed(admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), ends)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(groupId + " did not consume " + inputTopics + " within " + TIMEOUT);
                }
                Thread.sleep(100);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not read the offsets of " + groupId, e);
        }
    }

    private static boolean consumed(Map<TopicPartition, OffsetAndMetadata> committed, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(end -> end.getValue() == 0
                || (committed.get(end.getKey()) != null && committed.get(end.getKey()).offset() >= end.getValue()));
    }

    private static boolean atEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey(), TIMEOUT) >= end.getValue());
    }

    private static Properties properties(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "local-stack-topic-counts");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }
}
