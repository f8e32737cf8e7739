package com.marketplace.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * Jackson's {@link InstantDeserializer} with {@link IsoInstants}' fast path for ISO-8601 text;
 * everything else (numbers, other text forms, a format set by annotation or config override, which
 * makes Jackson build a plain {@code InstantDeserializer}) is Jackson's own handling.
 */
final class IsoInstantDeserializer extends InstantDeserializer<Instant> {

    private static final long serialVersionUID = 1L;

    IsoInstantDeserializer() {
        super(InstantDeserializer.INSTANT, DateTimeFormatter.ISO_INSTANT);
    }

    @Override
    protected Instant _fromString(JsonParser parser, DeserializationContext context, String text) throws IOException {
        Instant instant = IsoInstants.parseUtcOrNull(text);
        return instant != null ? instant : super._fromString(parser, context, text);
    }
}
