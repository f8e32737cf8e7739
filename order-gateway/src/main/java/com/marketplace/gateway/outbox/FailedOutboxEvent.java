package com.marketplace.gateway.outbox;

import java.time.Instant;
import java.util.UUID;

/** A FAILED outbox row as shown to operators: what it was, how often it was tried, the last error. */
public record FailedOutboxEvent(
        UUID eventId,
        String aggregateType,
        String aggregateId,
        String eventType,
        int retryCount,
        String lastError,
        Instant createdAt) {
}
