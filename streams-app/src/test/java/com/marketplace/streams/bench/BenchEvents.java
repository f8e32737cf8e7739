package com.marketplace.streams.bench;

import com.marketplace.events.EventCodec;
import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderItem;
import com.marketplace.events.OrderStatus;
import com.marketplace.streams.topology.Events;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Generates benchmark input without holding it in memory: orders of one to three items, each
 * followed by PAID and SHIPPED, and about {@code duplicateRatio} of the records re-sent copies of
 * the previous record. Record timestamps advance by {@code spacingMillis} per record.
 */
final class BenchEvents {

    /** One input record. */
    record Input(String topic, String key, byte[] value, long timestamp) {
    }

    private BenchEvents() {
    }

    static void generate(int count, double duplicateRatio, long spacingMillis, Instant start, Consumer<Input> sink) {
        Random random = new Random(7);
        Input previous = null;
        EventEnvelope creation = null;
        int step = 0;
        for (int i = 0; i < count; i++) {
            long timestamp = start.toEpochMilli() + i * spacingMillis;
            if (previous != null && random.nextDouble() < duplicateRatio) {
                sink.accept(new Input(previous.topic(), previous.key(), previous.value(), timestamp));
                continue;
            }
            EventEnvelope event;
            Instant at = Instant.ofEpochMilli(timestamp);
            if (creation == null || step == 3) {
                creation = Events.created(i + 1L, 1 + random.nextInt(1_000), at, items(random));
                event = creation;
                step = 1;
            } else {
                OrderStatus from = step == 1 ? OrderStatus.PENDING : OrderStatus.PAID;
                OrderStatus to = step == 1 ? OrderStatus.PAID : OrderStatus.SHIPPED;
                event = Events.changed(creation, from, to, at);
                step++;
            }
            previous = new Input(event.type().topic(), event.key(), EventCodec.INSTANCE.encode(event), timestamp);
            sink.accept(previous);
        }
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
