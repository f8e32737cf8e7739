package com.marketplace.gateway.outbox;

import java.time.Instant;
import java.util.UUID;

/**
 * An outbox row as the relay sees it after claiming it. {@code payload} is the envelope JSON to
 * publish verbatim; {@code aggregateId} is the record key.
 */
public record OutboxRow(
        long id,
        UUID eventId,
        String aggregateId,
        String eventType,
        int schemaVersion,
        String payload,
        int retryCount,
        Instant createdAt) {
}
