package com.marketplace.gateway.outbox;

/** Reading or changing the outbox failed for a reason the caller cannot fix (database error). */
public class OutboxStorageException extends RuntimeException {

    public OutboxStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
