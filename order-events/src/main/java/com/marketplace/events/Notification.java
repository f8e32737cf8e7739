package com.marketplace.events;

import java.util.Objects;
import java.util.UUID;

/**
 * An in-app notification (value of {@code marketplace.notification}). {@code notificationId} is
 * derived from the source event and the recipient, so redelivery keeps the id.
 * {@code kind} is the source event type's wire name ({@code OrderCreated}, {@code OrderStatusChanged}).
 */
public record Notification(
        UUID notificationId,
        UUID sourceEventId,
        RecipientType recipientType,
        long recipientId,
        String kind,
        long orderId,
        String message) {

    public Notification {
        Objects.requireNonNull(notificationId, "notificationId");
        Objects.requireNonNull(sourceEventId, "sourceEventId");
        Objects.requireNonNull(recipientType, "recipientType");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }
}
