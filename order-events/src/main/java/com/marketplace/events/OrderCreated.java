package com.marketplace.events;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Payload of an {@code OrderCreated} event. */
public record OrderCreated(
        long orderId,
        String orderNumber,
        long buyerId,
        String buyerEmail,
        List<Long> sellerIds,
        List<OrderItem> items,
        BigDecimal totalAmount,
        String currency,
        OrderStatus status,
        Instant createdAt) implements OrderEventPayload {

    public OrderCreated {
        Payloads.requirePositive(orderId, "orderId");
        Payloads.requirePositive(buyerId, "buyerId");
        Payloads.requireText(orderNumber, "orderNumber");
        Payloads.requireText(buyerEmail, "buyerEmail");
        sellerIds = List.copyOf(Objects.requireNonNull(sellerIds, "sellerIds"));
        items = List.copyOf(Objects.requireNonNull(items, "items"));
        Payloads.requireAmount(totalAmount, "totalAmount", false);
        Payloads.requireText(currency, "currency");
        Objects.requireNonNull(status, "status");
        Payloads.requireInstant(createdAt, "createdAt");
    }

    @Override
    public EventType eventType() {
        return EventType.ORDER_CREATED;
    }
}
