package com.marketplace.events;

/**
 * Kafka record header names. Order events carry their envelope's identity as headers too, so
 * infrastructure (dedupe, DLQ, tracing) can read it without parsing the value.
 */
public final class EventHeaders {

    public static final String EVENT_ID = "event-id";
    public static final String EVENT_TYPE = "event-type";
    public static final String SCHEMA_VERSION = "schema-version";

    /** Dead-letter headers: what went wrong and where the record came from. */
    public static final String DLQ_ERROR = "dlq-error";
    public static final String DLQ_ERROR_MESSAGE = "dlq-error-message";
    public static final String DLQ_SOURCE_TOPIC = "dlq-source-topic";
    public static final String DLQ_SOURCE_PARTITION = "dlq-source-partition";
    public static final String DLQ_SOURCE_OFFSET = "dlq-source-offset";
    /** On a dead-letter record whose source value was too large to copy: the value's size in bytes. */
    public static final String DLQ_VALUE_OMITTED = "dlq-value-omitted";
    /** On a dead-letter record whose source headers were too large to copy: how many were left out. */
    public static final String DLQ_HEADERS_OMITTED = "dlq-headers-omitted";
    /** On a dead-letter record whose source key was too large to copy: the key's size in bytes (no key then). */
    public static final String DLQ_KEY_OMITTED = "dlq-key-omitted";

    private EventHeaders() {
    }
}
