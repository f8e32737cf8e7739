package com.marketplace.streams.topology;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderCreated;
import com.marketplace.events.OrderItem;
import com.marketplace.events.OrderStatus;
import com.marketplace.events.OrderStatusChanged;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;

/** Builds order event envelopes for tests. */
public final class Events {

    public static final Instant T0 = Instant.parse("2026-11-25T10:15:30Z");

    private Events() {
    }

    /** An item of {@code quantity} × {@code unitPrice} sold by {@code sellerId}. */
    public static OrderItem item(long sellerId, int quantity, String unitPrice) {
        return new OrderItem(sellerId * 100, sellerId, quantity, new BigDecimal(unitPrice));
    }

    /** An OrderCreated of {@code orderId} for buyer {@code buyerId}, created at {@code createdAt}. */
    public static EventEnvelope created(long orderId, long buyerId, Instant createdAt, List<OrderItem> items) {
        BigDecimal total = items.stream().map(OrderItem::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add);
        List<Long> sellers = List.copyOf(new TreeSet<>(items.stream().map(OrderItem::sellerId).toList()));
        OrderCreated payload = new OrderCreated(orderId, orderNumber(orderId), buyerId, email(buyerId), sellers,
                items, total, "KRW", OrderStatus.PENDING, createdAt);
        return EventEnvelope.of(UUID.randomUUID(), createdAt, payload);
    }

    /** An OrderStatusChanged of the order created by {@code creation}. */
    public static EventEnvelope changed(EventEnvelope creation, OrderStatus from, OrderStatus to, Instant changedAt) {
        OrderCreated c = (OrderCreated) creation.payload();
        OrderStatusChanged payload = new OrderStatusChanged(c.orderId(), c.orderNumber(), c.buyerId(), c.buyerEmail(),
                c.sellerIds(), from, to, c.totalAmount(), c.currency(), changedAt);
        return EventEnvelope.of(UUID.randomUUID(), changedAt, payload);
    }

    public static String orderNumber(long orderId) {
        return "ORD-" + orderId;
    }

    public static String email(long buyerId) {
        return "buyer" + buyerId + "@example.com";
    }
}
