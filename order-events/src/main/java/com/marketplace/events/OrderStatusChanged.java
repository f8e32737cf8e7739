package com.marketplace.events;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Payload of an {@code OrderStatusChanged} event: the order moved from {@code previousStatus} to {@code status}. */
public record OrderStatusChanged(
        long orderId,
        String orderNumber,
        long buyerId,
        String buyerEmail,
        List<Long> sellerIds,
        OrderStatus previousStatus,
        OrderStatus status,
        BigDecimal totalAmount,
        String currency,
        Instant changedAt) implements OrderEventPayload {

    public OrderStatusChanged {
        Payloads.requirePositive(orderId, "orderId");
        Payloads.requirePositive(buyerId, "buyerId");
        Payloads.requireText(orderNumber, "orderNumber", MAX_ORDER_NUMBER_LENGTH);
        Payloads.requireText(buyerEmail, "buyerEmail", MAX_BUYER_EMAIL_LENGTH);
        sellerIds = Payloads.requirePositiveIds(sellerIds, "sellerIds", MAX_ITEMS);
        Objects.requireNonNull(previousStatus, "previousStatus");
        Objects.requireNonNull(status, "status");
        if (!previousStatus.canTransitionTo(status)) {
            throw new IllegalArgumentException("no order moves from " + previousStatus + " to " + status);
        }
        totalAmount = Payloads.requireAmount(totalAmount, "totalAmount", false);
        Payloads.requireCurrency(currency);
        Payloads.requireInstant(changedAt, "changedAt");
    }

    @Override
    public EventType eventType() {
        return EventType.ORDER_STATUS_CHANGED;
    }
}
