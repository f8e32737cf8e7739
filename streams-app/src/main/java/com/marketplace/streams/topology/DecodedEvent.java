package com.marketplace.streams.topology;

import com.marketplace.events.EventEnvelope;

/**
 * The outcome of reading one input record: the envelope, or (when it could not be read) the raw
 * value to dead-letter. Exactly one of the two is set, except that a dead-lettered tombstone has
 * neither.
 *
 * @param event    the decoded envelope, null when the record goes to the DLQ
 * @param rawValue the value as received, kept only for a record that goes to the DLQ
 */
public record DecodedEvent(EventEnvelope event, byte[] rawValue) {

    /** A record that was read. */
    public static DecodedEvent of(EventEnvelope event) {
        return new DecodedEvent(event, null);
    }

    /** A record that could not be read; {@code rawValue} is written to the DLQ as it came. */
    public static DecodedEvent failed(byte[] rawValue) {
        return new DecodedEvent(null, rawValue);
    }

    public boolean isFailure() {
        return event == null;
    }
}
