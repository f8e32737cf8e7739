package com.marketplace.gateway.order;

/**
 * The database did not confirm a creation's commit, and reading the order back could not tell
 * whether it was written: a client that sends the creation again without its {@code Idempotency-Key}
 * may create the order twice.
 */
public final class OutcomeUnknownException extends StorageException {

    public OutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
