package com.marketplace.streams.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marketplace.events.EventCodec;

/** The HTTP layer's JSON: the contract's mapper ({@link EventCodec#newMapper()}), exact decimals, ISO instants. */
public final class ApiJson {

    public static final String CONTENT_TYPE = "application/json";

    private final ObjectMapper responses = EventCodec.newMapper();

    /** Writes a response body as UTF-8 JSON. */
    public byte[] write(Object value) {
        try {
            return responses.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }
}
