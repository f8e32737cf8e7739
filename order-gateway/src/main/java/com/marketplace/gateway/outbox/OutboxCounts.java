package com.marketplace.gateway.outbox;

import java.time.Instant;

/**
 * A snapshot of the outbox backlog: rows waiting, rows parked as FAILED, and the creation time of the
 * oldest waiting row that no FAILED row of its order holds back (null when there is none).
 */
public record OutboxCounts(long pending, long failed, Instant oldestPendingCreatedAt) {
}
