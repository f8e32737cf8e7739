package com.marketplace.gateway.order;

import java.time.Instant;
import java.util.Objects;

/** An Idempotency-Key, the fingerprint of the request first sent with it, and the order it created. */
public record IdempotencyRecord(String key, String requestHash, long orderId, Instant createdAt) {

    public IdempotencyRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(requestHash, "requestHash");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
