package com.marketplace.gateway.outbox;

import com.marketplace.events.EventCodec;
import com.marketplace.events.EventEnvelope;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An outbox row about to be inserted. {@code envelopeJson} is the complete envelope exactly as the
 * relay will publish it, so the relay reads no other table and re-encodes nothing.
 */
public record NewOutboxEvent(
        UUID eventId,
        String aggregateType,
        String aggregateId,
        String eventType,
        int schemaVersion,
        String envelopeJson,
        Instant createdAt) {

    public NewOutboxEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(aggregateType, "aggregateType");
        Objects.requireNonNull(aggregateId, "aggregateId");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(envelopeJson, "envelopeJson");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** The outbox row for an envelope; the row's creation time is the event's occurrence time. */
    public static NewOutboxEvent from(EventEnvelope envelope) {
        return new NewOutboxEvent(envelope.eventId(), envelope.aggregateType(), envelope.aggregateId(),
                envelope.eventType(), envelope.schemaVersion(), EventCodec.INSTANCE.encodeToString(envelope), envelope.occurredAt());
    }

    /** The row as a relay publishes it, once inserted with {@code id}. */
    public OutboxRow asRow(long id) {
        return new OutboxRow(id, eventId, aggregateId, eventType, schemaVersion, envelopeJson, 0, createdAt,
                OutboxRow.LEASED);
    }
}
