package com.marketplace.gateway.outbox;

/** The database did not confirm an outbox transaction's commit: it may have been applied, or not. */
public class OutboxCommitUnknownException extends OutboxStorageException {

    public OutboxCommitUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
