package com.marketplace.gateway.order;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderCreated;
import com.marketplace.events.OrderStatus;
import com.marketplace.events.OrderStatusChanged;
import java.time.Instant;
import java.util.UUID;

/** Builds the self-contained event envelopes (docs/architecture.md, "The event envelope") for order changes. */
public final class OrderEvents {

    private OrderEvents() {
    }

    /** The {@code OrderCreated} envelope of a freshly stored order. */
    public static EventEnvelope created(Order order, UUID eventId) {
        OrderCreated payload = new OrderCreated(order.orderId(), order.orderNumber(), order.buyerId(),
                order.buyerEmail(), order.sellerIds(), order.items(), order.totalAmount(), order.currency(),
                order.status(), order.createdAt());
        return EventEnvelope.of(eventId, order.createdAt(), payload);
    }

    /** The {@code OrderStatusChanged} envelope of an order that has just moved from {@code previous}. */
    public static EventEnvelope statusChanged(Order updated, OrderStatus previous, UUID eventId) {
        Instant changedAt = updated.updatedAt();
        OrderStatusChanged payload = new OrderStatusChanged(updated.orderId(), updated.orderNumber(),
                updated.buyerId(), updated.buyerEmail(), updated.sellerIds(), previous, updated.status(),
                updated.totalAmount(), updated.currency(), changedAt);
        return EventEnvelope.of(eventId, changedAt, payload);
    }
}
