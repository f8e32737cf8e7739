package com.marketplace.gateway.order;

/**
 * Saving an idempotency key failed because another transaction stored the same key first. The
 * transaction that got it has been (or will be) rolled back.
 */
public class DuplicateIdempotencyKeyException extends RuntimeException {

    public DuplicateIdempotencyKeyException(String key, Throwable cause) {
        super("idempotency key already stored (length " + key.length() + ")", cause);
    }
}
