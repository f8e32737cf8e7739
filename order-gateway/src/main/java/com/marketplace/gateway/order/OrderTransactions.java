package com.marketplace.gateway.order;

import java.util.function.Function;

/**
 * Runs work against the {@link OrderStore} in one transaction: everything the work wrote is
 * committed together when it returns, or nothing when it throws. A transaction the database rolled
 * back whole to break a deadlock may be run again from the start, so work must leave nothing
 * behind outside the store that a rolled-back try should not have left.
 */
public interface OrderTransactions {

    /**
     * @throws CommitNotConfirmedException when the commit failed on its way (the transaction may have been applied)
     * @throws StorageException when the database fails otherwise (the transaction is rolled back)
     * @throws RuntimeException whatever {@code work} throws, unchanged, after rolling back
     */
    <T> T inTransaction(Function<OrderStore, T> work);
}
