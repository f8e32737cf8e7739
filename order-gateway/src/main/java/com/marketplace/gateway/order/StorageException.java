package com.marketplace.gateway.order;

/** Reading or writing the order store failed for a reason the caller cannot fix (database error). */
public class StorageException extends RuntimeException {

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
