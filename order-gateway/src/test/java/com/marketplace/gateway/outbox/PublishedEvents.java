package com.marketplace.gateway.outbox;

import static org.awaitility.Awaitility.await;

import com.marketplace.events.EventHeaders;
import com.marketplace.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads what the relay published to the order event topics, from the beginning. */
final class PublishedEvents {

    /** One consumed record: where it landed, which event it carries and its identity headers. */
    record Published(String topic, int partition, long offset, String key, UUID eventId, Instant occurredAt,
            byte[] value, String eventTypeHeader, String schemaVersionHeader) {
    }

    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    private PublishedEvents() {
    }

    /**
     * Consumes until every expected eventId has been seen (or fails after {@code atMost}), then on to the
     * end of the topics, so that a second copy written before the first had been read is among the
     * records returned: all the records seen.
     */
    static List<Published> awaitAll(String bootstrap, Collection<UUID> expected, Duration atMost) {
        Set<UUID> missing = new HashSet<>(expected);
        List<Published> seen = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = fromTheStart(bootstrap)) {
            await().atMost(atMost).pollInterval(Duration.ofMillis(10)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Published p = toPublished(r);
                    seen.add(p);
                    missing.remove(p.eventId());
                }
                return missing.isEmpty();
            });
            readToTheEnd(consumer, seen);
        }
        return seen;
    }

    /** All records in the topics now: each partition read from its start to its current end. */
    static List<Published> readAll(String bootstrap) {
        List<Published> seen = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = fromTheStart(bootstrap)) {
            readToTheEnd(consumer, seen);
        }
        return seen;
    }

    /** A consumer of every partition of the order topics (which the tests create first), at their start. */
    private static KafkaConsumer<String, byte[]> fromTheStart(String bootstrap) {
        KafkaConsumer<String, byte[]> consumer = consumer(bootstrap);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : Topics.ORDER_EVENT_TOPICS) {
            consumer.partitionsFor(topic, METADATA_TIMEOUT)
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /**
     * Polls until the consumer's position in each of its partitions has reached that partition's end
     * offset as it was when this began: an empty poll on a slow machine is not taken for the end.
     */
    private static void readToTheEnd(KafkaConsumer<String, byte[]> consumer, List<Published> seen) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), METADATA_TIMEOUT);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1)).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(toPublished(r)));
            return ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
        });
    }

    static Map<UUID, Long> countsByEventId(List<Published> published) {
        return published.stream().collect(Collectors.groupingBy(Published::eventId, Collectors.counting()));
    }

    private static Published toPublished(ConsumerRecord<String, byte[]> r) {
        UUID eventId = UUID.fromString(header(r, EventHeaders.EVENT_ID));
        Instant occurredAt = com.marketplace.events.EventCodec.INSTANCE.decodeEnvelope(r.value()).occurredAt();
        return new Published(r.topic(), r.partition(), r.offset(), r.key(), eventId, occurredAt, r.value(),
                header(r, EventHeaders.EVENT_TYPE), header(r, EventHeaders.SCHEMA_VERSION));
    }

    /** The record's last header of that name as text, or null. */
    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        var header = r.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
