package com.marketplace.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The envelope every order event travels in (value of {@code marketplace.order.*} records).
 * {@code eventId} is the identity consumers deduplicate by; {@code aggregateId} is the orderId and
 * the record key.
 */
public record EventEnvelope(
        UUID eventId,
        String eventType,
        String aggregateType,
        String aggregateId,
        int schemaVersion,
        Instant occurredAt,
        OrderEventPayload payload) {

    public static final String AGGREGATE_TYPE_ORDER = "Order";
    /** The schema version this code writes, and the newest it can read. */
    public static final int CURRENT_SCHEMA_VERSION = 1;

    public EventEnvelope {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(eventType, "eventType");
        if (!AGGREGATE_TYPE_ORDER.equals(aggregateType)) {
            throw new IllegalArgumentException("aggregateType must be " + AGGREGATE_TYPE_ORDER + ", was " + aggregateType);
        }
        Objects.requireNonNull(aggregateId, "aggregateId");
        Payloads.requireInstant(occurredAt, "occurredAt");
        Objects.requireNonNull(payload, "payload");
        if (!payload.eventType().wireName().equals(eventType)) {
            throw new IllegalArgumentException(
                    "eventType " + eventType + " does not match payload " + payload.eventType().wireName());
        }
        if (!aggregateId.equals(Long.toString(payload.orderId()))) {
            throw new IllegalArgumentException(
                    "aggregateId " + aggregateId + " does not match payload orderId " + payload.orderId());
        }
    }

    /** A current-version envelope for an order event payload. */
    public static EventEnvelope of(UUID eventId, Instant occurredAt, OrderEventPayload payload) {
        return new EventEnvelope(eventId, payload.eventType().wireName(), AGGREGATE_TYPE_ORDER,
                Long.toString(payload.orderId()), CURRENT_SCHEMA_VERSION, occurredAt, payload);
    }

    public EventType type() {
        return payload.eventType();
    }

    /** The Kafka record key: the orderId as a decimal string. */
    public String key() {
        return aggregateId;
    }

    public long orderId() {
        return payload.orderId();
    }
}
