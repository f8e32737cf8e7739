package com.marketplace.streams.serde;

/**
 * A stored state value that cannot be read: a corrupt value, or one written by a newer version of
 * the app (a rolling upgrade done in the wrong order, docs/operations.md). It is not the fault of
 * the record being processed, so that record is not dead-lettered: the processing exception handler
 * stops processing instead ({@code DeadLetterProcessingHandler}), and under exactly_once_v2 nothing of
 * the record's step is committed.
 */
public final class UnreadableStateValueException extends RuntimeException {

    UnreadableStateValueException(String message, Throwable cause) {
        super(message, cause);
    }
}
