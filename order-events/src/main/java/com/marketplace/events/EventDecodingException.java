package com.marketplace.events;

/**
 * Thrown when bytes cannot be read as a contract record. {@link #reason()} tells a consumer
 * whether the bytes were malformed, named an unknown event type or a schema version newer than
 * this code understands; all three are dead-letter material.
 */
public class EventDecodingException extends RuntimeException {

    /** Why decoding failed. */
    public enum Reason {
        MALFORMED,
        UNKNOWN_EVENT_TYPE,
        UNSUPPORTED_SCHEMA_VERSION
    }

    private final Reason reason;

    public EventDecodingException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public EventDecodingException(Reason reason, String message) {
        this(reason, message, null);
    }

    public Reason reason() {
        return reason;
    }
}
