package com.marketplace.gateway.outbox;

import java.util.function.Function;

/**
 * Runs work against the {@link OutboxStore} in one transaction: everything the work wrote is
 * committed together when it returns, or nothing when it throws.
 */
public interface OutboxTransactions {

    /**
     * @throws OutboxCommitUnknownException when the commit failed on its way (the transaction may have been applied)
     * @throws OutboxStorageException when the database fails otherwise (the transaction is rolled back)
     * @throws RuntimeException whatever {@code work} throws, unchanged, after rolling back
     */
    <T> T inTransaction(Function<OutboxStore, T> work);
}
