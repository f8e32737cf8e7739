package com.marketplace.streams.it;

import static org.awaitility.Awaitility.await;

import com.marketplace.events.EventCodec;
import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderCreated;
import com.marketplace.events.OrderItem;
import com.marketplace.events.OrderStatus;
import com.marketplace.events.Topics;
import com.marketplace.kafka.records.EventRecordHeaders;
import com.marketplace.streams.topology.Events;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A reproducible stream of order events: orders with random items and random lifecycles, plus
 * re-sent copies of random earlier events (as an at-least-once relay would produce).
 */
public final class InputScenario {

    private static final List<List<OrderStatus>> PATHS = List.of(
            List.of(), List.of(OrderStatus.PAID), List.of(OrderStatus.PAID, OrderStatus.SHIPPED),
            List.of(OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED),
            List.of(OrderStatus.CANCELLED), List.of(OrderStatus.PAID, OrderStatus.CANCELLED));

    /** Every distinct event, in publication order per order. */
    public final List<EventEnvelope> unique = new ArrayList<>();
    /** What is sent: the distinct events plus duplicates, each duplicate after its original. */
    public final List<EventEnvelope> sends;

    public InputScenario(long seed, int uniqueEvents, int duplicates, Instant base) {
        this(seed, uniqueEvents, Long.MAX_VALUE, duplicates, base);
    }

    private InputScenario(long seed, int uniqueEvents, long maxOrders, int duplicates, Instant base) {
        Random random = new Random(seed);
        for (long orderId = 1; unique.size() < uniqueEvents && orderId <= maxOrders; orderId++) {
            addOrder(random, orderId, base.plusSeconds(orderId * 2), uniqueEvents);
        }
        sends = withDuplicates(random, duplicates);
    }

    /** Exactly {@code orders} orders (ids 1..orders), each with its whole random lifecycle. */
    public static InputScenario ofOrders(long seed, int orders, int duplicates, Instant base) {
        return new InputScenario(seed, Integer.MAX_VALUE, orders, duplicates, base);
    }

    private void addOrder(Random random, long orderId, Instant createdAt, int limit) {
        List<OrderItem> items = new ArrayList<>();
        for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
            long seller = 1 + random.nextInt(20);
            items.add(new OrderItem(seller * 100 + i, seller, 1 + random.nextInt(5),
                    BigDecimal.valueOf(100 + random.nextInt(100_000), 2)));
        }
        EventEnvelope creation = Events.created(orderId, 1 + random.nextInt(50), createdAt, items);
        unique.add(creation);
        OrderStatus previous = OrderStatus.PENDING;
        int step = 1;
        for (OrderStatus next : PATHS.get(random.nextInt(PATHS.size()))) {
            if (unique.size() >= limit) {
                return;
            }
            unique.add(Events.changed(creation, previous, next, createdAt.plusSeconds(step++)));
            previous = next;
        }
    }

    private List<EventEnvelope> withDuplicates(Random random, int duplicates) {
        record Slot(double position, EventEnvelope event) {
        }
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < unique.size(); i++) {
            slots.add(new Slot(i, unique.get(i)));
        }
        for (int d = 0; d < duplicates; d++) {
            int original = random.nextInt(unique.size());
            slots.add(new Slot(original + 0.5 + random.nextDouble() * (unique.size() - original), unique.get(original)));
        }
        return slots.stream().sorted(Comparator.comparingDouble(Slot::position)).map(Slot::event).toList();
    }

    /** Sends {@link #sends} in order to their topics (key = orderId), idempotent and acks=all, as the relay does. */
    public void publish(String bootstrapServers) {
        publish(bootstrapServers, sends);
    }

    /**
     * Sends {@code events} in order to their topics (key = orderId) with the relay's headers, idempotent and
     * acks=all, as the relay does.
     */
    public static void publish(String bootstrapServers, List<EventEnvelope> events) {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (EventEnvelope event : events) {
                producer.send(new ProducerRecord<>(event.type().topic(), null, event.key(),
                        EventCodec.INSTANCE.encode(event),
                        EventRecordHeaders.of(event.eventId(), event.eventType(), event.schemaVersion())));
            }
            producer.flush();
        }
    }

    /**
     * Waits until group {@code applicationId} has committed {@code records} input offsets in all.
     * Under exactly_once_v2 the outputs of a record commit with its input offset, so every output of
     * those records is then visible to read_committed readers.
     */
    public static void awaitRead(String bootstrapServers, String applicationId, long records, Duration atMost) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> admin
                    .listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get().entrySet().stream()
                    .filter(e -> Topics.ORDER_EVENT_TOPICS.contains(e.getKey().topic()) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum() >= records);
        }
    }

    /** The creation payloads of all orders. */
    public List<OrderCreated> creations() {
        return unique.stream().filter(e -> e.payload() instanceof OrderCreated)
                .map(e -> (OrderCreated) e.payload()).toList();
    }
}
