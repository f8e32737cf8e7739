package com.marketplace.gateway.outbox;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Operator actions on the outbox: list parked (FAILED) events and put one back in the queue. */
public final class OutboxAdmin {

    /** Result of a retry request. */
    public enum RetryResult { REQUEUED, NOT_FOUND, NOT_FAILED }

    private final OutboxTransactions outbox;
    private final OutboxNotifier notifier;

    public OutboxAdmin(OutboxTransactions outbox, OutboxNotifier notifier) {
        this.outbox = outbox;
        this.notifier = notifier;
    }

    /** @throws OutboxStorageException when the database fails */
    public List<FailedOutboxEvent> failed(int limit) {
        return outbox.inTransaction(store -> store.findFailed(limit));
    }

    /**
     * Requeues a FAILED event with a fresh attempt budget and wakes the relay.
     *
     * @throws OutboxStorageException when the database fails
     */
    public RetryResult retry(UUID eventId) {
        RetryResult result = outbox.inTransaction(store -> {
            if (store.retryFailed(eventId)) {
                return RetryResult.REQUEUED;
            }
            Optional<OutboxStatus> status = store.statusOf(eventId);
            return status.isEmpty() ? RetryResult.NOT_FOUND : RetryResult.NOT_FAILED;
        });
        if (result == RetryResult.REQUEUED) {
            notifier.eventsCommitted();
        }
        return result;
    }
}
