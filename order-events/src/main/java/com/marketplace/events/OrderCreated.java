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
        Payloads.requireText(orderNumber, "orderNumber", MAX_ORDER_NUMBER_LENGTH);
        Payloads.requireText(buyerEmail, "buyerEmail", MAX_BUYER_EMAIL_LENGTH);
        sellerIds = Payloads.requirePositiveIds(sellerIds, "sellerIds", MAX_ITEMS);
        items = List.copyOf(Objects.requireNonNull(items, "items"));
        if (items.isEmpty() || items.size() > MAX_ITEMS) {
            throw new IllegalArgumentException("an order has 1-" + MAX_ITEMS + " items, was " + items.size());
        }
        totalAmount = Payloads.requireAmount(totalAmount, "totalAmount", false);
        Payloads.requireCurrency(currency);
        if (status != OrderStatus.PENDING) {
            throw new IllegalArgumentException("an order is created PENDING, was " + status);
        }
        Payloads.requireInstant(createdAt, "createdAt");
    }

    @Override
    public EventType eventType() {
        return EventType.ORDER_CREATED;
    }
}
