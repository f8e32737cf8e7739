package com.marketplace.gateway.order;

import java.util.function.Function;

/**
 * Runs work against the {@link OrderStore} in one transaction: everything the work wrote is
 * committed together when it returns, or nothing when it throws.
 */
public interface OrderTransactions {

    /**
     * @throws CommitNotConfirmedException when the commit failed on its way (the transaction may have been applied)
     * @throws StorageException when the database fails otherwise (the transaction is rolled back)
     * @throws RuntimeException whatever {@code work} throws, unchanged, after rolling back
     */
    <T> T inTransaction(Function<OrderStore, T> work);
}
