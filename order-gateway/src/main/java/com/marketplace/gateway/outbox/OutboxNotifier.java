package com.marketplace.gateway.outbox;

/**
 * Told after a transaction that wrote outbox rows has committed, so an in-process relay can
 * publish them at once instead of waiting for its next poll. Must not block and must not throw.
 */
@FunctionalInterface
public interface OutboxNotifier {

    /** A notifier that does nothing (relay disabled, or tests without a relay). */
    OutboxNotifier NONE = () -> { };

    void eventsCommitted();
}
