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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads what the relay published to the order event topics, from the beginning. */
final class PublishedEvents {

    /** One consumed record: where it landed and which event it carries. */
    record Published(String topic, int partition, long offset, String key, UUID eventId, Instant occurredAt,
            byte[] value) {
    }

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
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
            consumer.subscribe(Topics.ORDER_EVENT_TOPICS);
            await().atMost(atMost).pollInterval(Duration.ofMillis(10)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Published p = toPublished(r);
                    seen.add(p);
                    missing.remove(p.eventId());
                }
                return missing.isEmpty();
            });
            readToTheEnd(consumer, seen, Duration.ofMillis(300));
        }
        return seen;
    }

    /** All records currently in the topics (reads until a poll returns nothing after the end). */
    static List<Published> readAll(String bootstrap) {
        List<Published> seen = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
            consumer.subscribe(Topics.ORDER_EVENT_TOPICS);
            readToTheEnd(consumer, seen, Duration.ofMillis(500));
        }
        return seen;
    }

    /** Polls until three polls of {@code poll} in a row return nothing. */
    private static void readToTheEnd(KafkaConsumer<String, byte[]> consumer, List<Published> seen, Duration poll) {
        int emptyPolls = 0;
        while (emptyPolls < 3) {
            var records = consumer.poll(poll);
            emptyPolls = records.isEmpty() ? emptyPolls + 1 : 0;
            records.forEach(r -> seen.add(toPublished(r)));
        }
    }

    static Map<UUID, Long> countsByEventId(List<Published> published) {
        return published.stream().collect(Collectors.groupingBy(Published::eventId, Collectors.counting()));
    }

    private static Published toPublished(ConsumerRecord<String, byte[]> r) {
        UUID eventId = UUID.fromString(new String(r.headers().lastHeader(EventHeaders.EVENT_ID).value(),
                StandardCharsets.UTF_8));
        Instant occurredAt = com.marketplace.events.EventCodec.INSTANCE.decodeEnvelope(r.value()).occurredAt();
        return new Published(r.topic(), r.partition(), r.offset(), r.key(), eventId, occurredAt, r.value());
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "relay-test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
