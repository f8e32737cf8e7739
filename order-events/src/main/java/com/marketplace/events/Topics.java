package com.marketplace.events;

import java.util.List;

/**
 * Kafka topic names of the pipeline. The only place these names are spelled out; every producer,
 * consumer, topology and test refers to these constants.
 */
public final class Topics {

    /** {@code OrderCreated} envelopes, key = orderId. */
    public static final String ORDER_CREATED = "marketplace.order.created";
    /** {@code OrderStatusChanged} envelopes, key = orderId. */
    public static final String ORDER_STATUS_CHANGED = "marketplace.order.status-changed";
    /** {@link EmailMessage} records, key = orderId. */
    public static final String EMAIL = "marketplace.email";
    /** {@link Notification} records, key = orderId. */
    public static final String NOTIFICATION = "marketplace.notification";
    /** {@link AnalyticsEvent} records, key = orderId. */
    public static final String ANALYTICS = "marketplace.analytics";
    /** Records that could not be read or processed, with headers naming the error and the source. */
    public static final String DLQ = "marketplace.dlq";
    /**
     * The largest dead letter written whole, key, value and headers; a larger one is written without
     * its value or its source's headers. Sized below Kafka's default {@code max.message.bytes}
     * ({@link #DLQ_MAX_MESSAGE_BYTES}) with room for the record's framing.
     */
    public static final int DLQ_MAX_RECORD_BYTES = 1_000_000;
    /**
     * The {@code max.message.bytes} the DLQ must take at least: Kafka's default, for which
     * {@link #DLQ_MAX_RECORD_BYTES} is sized. A dead letter the topic refused would stop the stream
     * thread, and every instance taking its task over would fail on the same record.
     */
    public static final long DLQ_MAX_MESSAGE_BYTES = 1_048_588;

    /** Topics the gateway's outbox relay publishes to. */
    public static final List<String> ORDER_EVENT_TOPICS = List.of(ORDER_CREATED, ORDER_STATUS_CHANGED);
    /** Topics the streams app writes to. */
    public static final List<String> OUTPUT_TOPICS = List.of(EMAIL, NOTIFICATION, ANALYTICS, DLQ);

    /** Retention of every topic of the pipeline: 7 days. */
    public static final long RETENTION_MS = 7L * 24 * 60 * 60 * 1000;

    private Topics() {
    }
}
