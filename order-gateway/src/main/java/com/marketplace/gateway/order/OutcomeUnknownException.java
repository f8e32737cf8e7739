package com.marketplace.gateway.order;

/**
 * The database did not confirm a creation's or a status change's commit, and reading it back could
 * not tell whether it was applied: a client that sends the creation again without its
 * {@code Idempotency-Key} may create the order twice.
 */
public final class OutcomeUnknownException extends StorageException {

    public OutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
