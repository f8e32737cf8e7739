package com.marketplace.gateway.order;

import com.marketplace.events.OrderItem;
import com.marketplace.events.OrderStatus;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** A stored order with its items. Amounts have scale 2; instants are UTC with microsecond precision. */
public record Order(
        long orderId,
        String orderNumber,
        long buyerId,
        String buyerEmail,
        String currency,
        OrderStatus status,
        BigDecimal totalAmount,
        List<OrderItem> items,
        Instant createdAt,
        Instant updatedAt) {

    public Order {
        Objects.requireNonNull(orderNumber, "orderNumber");
        Objects.requireNonNull(buyerEmail, "buyerEmail");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(totalAmount, "totalAmount");
        items = List.copyOf(Objects.requireNonNull(items, "items"));
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** Distinct seller ids of the items, ascending. */
    public List<Long> sellerIds() {
        return items.stream().map(OrderItem::sellerId).distinct().sorted().toList();
    }

    /**
     * The order as it was when created: every order starts PENDING with {@code updatedAt} equal to
     * {@code createdAt}, and nothing else of an order ever changes. This is what an idempotent
     * replay answers, whatever happened to the order since.
     */
    public Order asCreated() {
        return withStatus(OrderStatus.PENDING, createdAt);
    }

    /** This order in {@code newStatus}, updated at {@code now}. */
    public Order withStatus(OrderStatus newStatus, Instant now) {
        return new Order(orderId, orderNumber, buyerId, buyerEmail, currency, newStatus, totalAmount, items,
                createdAt, now);
    }
}
