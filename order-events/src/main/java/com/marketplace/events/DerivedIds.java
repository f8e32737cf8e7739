package com.marketplace.events;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Deterministic ids for records derived from an order event: the same source eventId and
 * discriminator always give the same UUID (name-based, version 3), so reprocessing an event
 * yields records a downstream consumer can deduplicate.
 */
public final class DerivedIds {

    private DerivedIds() {
    }

    /** The id of the email sent for {@code sourceEventId}. */
    public static UUID emailId(UUID sourceEventId) {
        return derive(sourceEventId, "email");
    }

    /** The id of the notification for one recipient of {@code sourceEventId}. */
    public static UUID notificationId(UUID sourceEventId, RecipientType recipientType, long recipientId) {
        return derive(sourceEventId, "notification/" + recipientType + "/" + recipientId);
    }

    private static UUID derive(UUID sourceEventId, String discriminator) {
        return UUID.nameUUIDFromBytes((sourceEventId + "/" + discriminator).getBytes(StandardCharsets.UTF_8));
    }
}
