package com.marketplace.bench.streams;

import com.marketplace.events.EventCodec;
import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderCreated;
import com.marketplace.events.OrderItem;
import com.marketplace.events.OrderStatus;
import com.marketplace.events.OrderStatusChanged;
import com.marketplace.kafka.records.EventRecordHeaders;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.common.header.Headers;

/**
 * Generates benchmark input without holding it in memory: orders of one to three items, each
 * followed by PAID and SHIPPED, and about {@code duplicateRatio} of the records re-sent copies of
 * the previous record. Record timestamps advance by {@code spacingMillis} per record. Each record
 * carries the headers the relay writes ({@code event-id}, {@code event-type}, {@code schema-version}),
 * a copy those of its original.
 */
final class BenchEvents {

    /** One input record. */
    record Input(String topic, String key, byte[] value, long timestamp, Headers headers) {
    }

    private BenchEvents() {
    }

    /**
     * As above with {@code openOrders} orders in progress at a time, taking turns: an order's PAID
     * and SHIPPED then come {@code openOrders} records after its previous event instead of right
     * after it (1 = one order at a time).
     */
    static void generate(int count, double duplicateRatio, long spacingMillis, Instant start, int openOrders,
                         Consumer<Input> sink) {
        Random random = new Random(7);
        Input previous = null;
        EventEnvelope[] creations = new EventEnvelope[openOrders];
        int[] steps = new int[openOrders];
        int turn = 0;
        for (int i = 0; i < count; i++) {
            long timestamp = start.toEpochMilli() + i * spacingMillis;
            if (previous != null && random.nextDouble() < duplicateRatio) {
                sink.accept(new Input(previous.topic(), previous.key(), previous.value(), timestamp, previous.headers()));
                continue;
            }
            int slot = turn++ % openOrders;
            EventEnvelope event;
            Instant at = Instant.ofEpochMilli(timestamp);
            if (creations[slot] == null || steps[slot] == 3) {
                creations[slot] = created(i + 1L, 1 + random.nextInt(1_000), at, items(random));
                event = creations[slot];
                steps[slot] = 1;
            } else {
                OrderStatus from = steps[slot] == 1 ? OrderStatus.PENDING : OrderStatus.PAID;
                OrderStatus to = steps[slot] == 1 ? OrderStatus.PAID : OrderStatus.SHIPPED;
                event = changed(creations[slot], from, to, at);
                steps[slot]++;
            }
            previous = new Input(event.type().topic(), event.key(), EventCodec.INSTANCE.encode(event), timestamp,
                    EventRecordHeaders.of(event.eventId(), event.eventType(), event.schemaVersion()));
            sink.accept(previous);
        }
    }

    private static EventEnvelope created(long orderId, long buyerId, Instant createdAt, List<OrderItem> items) {
        BigDecimal total = items.stream().map(OrderItem::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add);
        List<Long> sellers = List.copyOf(new TreeSet<>(items.stream().map(OrderItem::sellerId).toList()));
        return EventEnvelope.of(UUID.randomUUID(), createdAt, new OrderCreated(orderId, "ORD-" + orderId, buyerId,
                "buyer" + buyerId + "@example.com", sellers, items, total, "KRW", OrderStatus.PENDING, createdAt));
    }

    private static EventEnvelope changed(EventEnvelope creation, OrderStatus from, OrderStatus to, Instant changedAt) {
        OrderCreated c = (OrderCreated) creation.payload();
        return EventEnvelope.of(UUID.randomUUID(), changedAt, new OrderStatusChanged(c.orderId(), c.orderNumber(),
                c.buyerId(), c.buyerEmail(), c.sellerIds(), from, to, c.totalAmount(), c.currency(), changedAt));
    }

    private static List<OrderItem> items(Random random) {
        int n = 1 + random.nextInt(3);
        OrderItem[] items = new OrderItem[n];
        for (int i = 0; i < n; i++) {
            long seller = 1 + random.nextInt(200);
            items[i] = new OrderItem(seller * 10 + i, seller, 1 + random.nextInt(4), BigDecimal.valueOf(1_000 + random.nextInt(90_000), 2));
        }
        return List.of(items);
    }
}
