package com.marketplace.events;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.UUID;

/**
 * A request to send an email (value of {@code marketplace.email}). {@code emailId} is derived
 * from the source event, so a redelivered request carries the same id. {@code previousStatus} is
 * null for {@link EmailTemplate#ORDER_CONFIRMATION}.
 */
public record EmailMessage(
        UUID emailId,
        UUID sourceEventId,
        EmailTemplate template,
        String to,
        long orderId,
        String orderNumber,
        OrderStatus previousStatus,
        OrderStatus status,
        BigDecimal totalAmount,
        String currency) {

    public EmailMessage {
        Objects.requireNonNull(emailId, "emailId");
        Objects.requireNonNull(sourceEventId, "sourceEventId");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(orderNumber, "orderNumber");
        Objects.requireNonNull(status, "status");
    }
}
