package com.marketplace.streams.query;

/**
 * The answer cannot be given right now without risking a wrong one: Kafka Streams is not RUNNING,
 * the key's owner is unknown or migrating, a store is restoring, or another instance did not
 * answer in time. The caller should retry shortly (HTTP: 503 with {@code Retry-After}).
 */
public class StoreUnavailableException extends RuntimeException {

    /** @param message why the answer is unavailable; safe to show to a client */
    public StoreUnavailableException(String message) {
        super(message);
    }

    /** @param message why the answer is unavailable; {@code cause} is the underlying failure */
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
