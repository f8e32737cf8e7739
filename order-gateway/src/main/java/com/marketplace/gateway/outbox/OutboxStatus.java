package com.marketplace.gateway.outbox;

/** Lifecycle of an outbox row: PENDING until published (PROCESSED) or out of attempts (FAILED). */
public enum OutboxStatus {
    PENDING,
    PROCESSED,
    FAILED
}
