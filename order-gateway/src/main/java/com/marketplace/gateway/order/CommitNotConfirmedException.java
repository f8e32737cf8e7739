package com.marketplace.gateway.order;

/**
 * The database did not confirm a transaction's commit (the connection broke or timed out during
 * it): the transaction may or may not have been applied. A change that is the same when made twice
 * may simply be retried; {@link OrderService} reads a creation's order back to find out.
 */
public class CommitNotConfirmedException extends StorageException {

    public CommitNotConfirmedException(String message, Throwable cause) {
        super(message, cause);
    }
}
