package com.marketplace.gateway.outbox;

import java.time.Instant;
import java.util.UUID;

/**
 * An outbox row as the relay sees it after claiming it. {@code payload} is the envelope JSON to
 * publish verbatim; {@code aggregateId} is the record key. {@code claimId} is the claim the relay
 * holds the row through (one per claimed batch), or {@link #LEASED} for a row leased to the relay on
 * its own, as rows handed over at their commit are.
 */
public record OutboxRow(
        long id,
        UUID eventId,
        String aggregateId,
        String eventType,
        int schemaVersion,
        String payload,
        int retryCount,
        Instant createdAt,
        long claimId) {

    /** The {@code claimId} of a row held through a lease of its own rather than a claim. */
    public static final long LEASED = 0;

    /** The same row, held through the claim {@code claimId}. */
    public OutboxRow withClaim(long claimId) {
        return new OutboxRow(id, eventId, aggregateId, eventType, schemaVersion, payload, retryCount, createdAt,
                claimId);
    }

    /** Whether the row is held through a claim, not a lease of its own. */
    public boolean claimed() {
        return claimId != LEASED;
    }
}
