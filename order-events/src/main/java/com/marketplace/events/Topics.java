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

    /** Topics the gateway's outbox relay publishes to. */
    public static final List<String> ORDER_EVENT_TOPICS = List.of(ORDER_CREATED, ORDER_STATUS_CHANGED);
    /** Topics the streams app writes to. */
    public static final List<String> OUTPUT_TOPICS = List.of(EMAIL, NOTIFICATION, ANALYTICS, DLQ);

    /** Retention of every topic of the pipeline: 7 days. */
    public static final long RETENTION_MS = 7L * 24 * 60 * 60 * 1000;

    private Topics() {
    }
}
