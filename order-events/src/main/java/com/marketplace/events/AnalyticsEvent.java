package com.marketplace.events;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** One flat analytics record per order event (value of {@code marketplace.analytics}). */
public record AnalyticsEvent(
        UUID sourceEventId,
        String eventType,
        long orderId,
        long buyerId,
        List<Long> sellerIds,
        OrderStatus status,
        BigDecimal totalAmount,
        String currency,
        Instant occurredAt) {

    public AnalyticsEvent {
        Objects.requireNonNull(sourceEventId, "sourceEventId");
        Objects.requireNonNull(eventType, "eventType");
        sellerIds = List.copyOf(Objects.requireNonNull(sellerIds, "sellerIds"));
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(totalAmount, "totalAmount");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(occurredAt, "occurredAt");
    }
}
