package com.marketplace.gateway.outbox;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Operator actions on the outbox: list parked (FAILED) events and put one back in the queue. */
public final class OutboxAdmin {

    private static final Logger log = LoggerFactory.getLogger(OutboxAdmin.class);

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
     * Requeues a FAILED event with a fresh attempt budget and wakes the relay. A requeue whose commit
     * the database did not confirm is made once more: its update waits under the row's lock for the
     * first one's commit or rollback to end, and then either requeues the event itself or finds it
     * no longer FAILED, requeued by the first. Either way the answer is {@link RetryResult#REQUEUED},
     * not a failure that says the request did not happen. (An unconfirmed commit of a try that
     * changed nothing, the event not FAILED or not there, does not matter: that try's answer stands.)
     *
     * @throws OutboxStorageException when the database fails (the event was not requeued, or its
     *                                requeue could not be confirmed: asking again tells)
     */
    public RetryResult retry(UUID eventId) {
        AtomicReference<RetryResult> attempted = new AtomicReference<>();
        RetryResult result;
        try {
            result = requeue(eventId, attempted);
        } catch (OutboxCommitUnknownException unconfirmed) {
            result = attempted.get(); // set: only a commit is left unconfirmed, after the work returned
            if (result == RetryResult.REQUEUED) {
                log.warn("The database did not confirm the requeue of outbox event {}; requeuing it once more: {}",
                        eventId, unconfirmed.getMessage());
                result = requeue(eventId, attempted);
                if (result == RetryResult.NOT_FAILED) {
                    result = RetryResult.REQUEUED;
                }
            }
        }
        if (result == RetryResult.REQUEUED) {
            notifier.eventsCommitted();
        }
        return result;
    }

    /** One try, whose work's answer is kept in {@code attempted} too, whatever becomes of its commit. */
    private RetryResult requeue(UUID eventId, AtomicReference<RetryResult> attempted) {
        return outbox.inTransaction(store -> {
            RetryResult result;
            if (store.retryFailed(eventId)) {
                result = RetryResult.REQUEUED;
            } else {
                result = store.statusOf(eventId).isEmpty() ? RetryResult.NOT_FOUND : RetryResult.NOT_FAILED;
            }
            attempted.set(result);
            return result;
        });
    }
}
