package com.marketplace.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * Reads an instant the way the contract writes it: a JSON string in ISO-8601 form, through
 * {@link IsoInstants#parse} (the same reading as the envelope's {@code occurredAt}). A number, or a
 * string of digits, is refused: Jackson's own reader takes those as epoch seconds and folds an
 * out-of-range value into an ordinary-looking date (a {@code createdAt} of {@code 1e100} became
 * 1970-01-01), past the payload's range checks.
 */
final class IsoInstantDeserializer extends StdScalarDeserializer<Instant> {

    private static final long serialVersionUID = 1L;

    IsoInstantDeserializer() {
        super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        if (!parser.hasToken(JsonToken.VALUE_STRING)) {
            return (Instant) context.handleUnexpectedToken(Instant.class, parser);
        }
        String text = parser.getText();
        try {
            return IsoInstants.parse(text);
        } catch (DateTimeException e) {
            return (Instant) context.handleWeirdStringValue(Instant.class, text, "not an ISO-8601 instant: %s",
                    e.getMessage());
        }
    }
}
