package com.marketplace.gateway.order;

/** An Idempotency-Key was sent again with a different request body. */
public class IdempotencyKeyReuseException extends RuntimeException {

    public IdempotencyKeyReuseException() {
        super("this Idempotency-Key was already used with a different request body");
    }
}
