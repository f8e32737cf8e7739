package com.marketplace.gateway.outbox;

import java.time.Instant;

/** A snapshot of the outbox backlog: rows waiting, rows parked as FAILED, age of the oldest waiting row. */
public record OutboxCounts(long pending, long failed, Instant oldestPendingCreatedAt) {
}
