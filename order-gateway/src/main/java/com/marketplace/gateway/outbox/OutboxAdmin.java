package com.marketplace.gateway.outbox;

import com.marketplace.gateway.db.Transactions;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Operator actions on the outbox: list parked (FAILED) events and put one back in the queue. */
public final class OutboxAdmin {

    /** Result of a retry request. */
    public enum RetryResult { REQUEUED, NOT_FOUND, NOT_FAILED }

    private final Transactions tx;
    private final JdbcOutboxRepository repository;
    private final OutboxNotifier notifier;
    private final Clock clock;

    public OutboxAdmin(Transactions tx, JdbcOutboxRepository repository, OutboxNotifier notifier, Clock clock) {
        this.tx = tx;
        this.repository = repository;
        this.notifier = notifier;
        this.clock = clock;
    }

    /** @throws OutboxStorageException when the database fails */
    public List<FailedOutboxEvent> failed(int limit) {
        try {
            return tx.inTransaction(conn -> repository.findFailed(conn, limit));
        } catch (SQLException e) {
            throw new OutboxStorageException("listing FAILED outbox events failed (SQLState " + e.getSQLState() + ")", e);
        }
    }

    /**
     * Requeues a FAILED event with a fresh attempt budget and wakes the relay.
     *
     * @throws OutboxStorageException when the database fails
     */
    public RetryResult retry(UUID eventId) {
        RetryResult result;
        try {
            result = tx.inTransaction(conn -> {
                if (repository.retryFailed(conn, eventId, clock.instant())) {
                    return RetryResult.REQUEUED;
                }
                Optional<OutboxStatus> status = repository.statusOf(conn, eventId);
                return status.isEmpty() ? RetryResult.NOT_FOUND : RetryResult.NOT_FAILED;
            });
        } catch (SQLException e) {
            throw new OutboxStorageException("requeueing outbox event failed (SQLState " + e.getSQLState() + ")", e);
        }
        if (result == RetryResult.REQUEUED) {
            notifier.eventsCommitted();
        }
        return result;
    }
}
