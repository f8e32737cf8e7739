package com.marketplace.kafka.records;

import com.marketplace.events.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers an order event's record carries besides its envelope: {@code event-id},
 * {@code event-type} and {@code schema-version} ({@link EventHeaders}), UTF-8 text. The relay writes
 * them; whatever needs a record as the relay writes it (tests, benchmarks) builds them here too.
 */
public final class EventRecordHeaders {

    private EventRecordHeaders() {
    }

    /** New, writable headers naming the event. */
    public static Headers of(UUID eventId, String eventType, int schemaVersion) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EventHeaders.EVENT_ID, utf8(eventId.toString()));
        headers.add(EventHeaders.EVENT_TYPE, utf8(eventType));
        headers.add(EventHeaders.SCHEMA_VERSION, utf8(Integer.toString(schemaVersion)));
        return headers;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
