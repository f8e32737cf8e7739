package com.marketplace.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The one JSON codec of the contract (UTF-8). Amounts are written as exact decimals with their
 * scale ({@code 3000.00}) and read as {@link java.math.BigDecimal}; instants are ISO-8601 strings;
 * unknown fields are ignored on read so producers can add fields without breaking consumers. Every
 * other value is read in the JSON type the contract writes it in and no other (an instant given as
 * epoch seconds is refused). Thread-safe; use the shared {@link #INSTANCE}.
 */
public final class EventCodec {

    public static final EventCodec INSTANCE = new EventCodec();

    private final ObjectMapper mapper;
    /** A reader per payload class, its deserializer resolved once instead of on every event. */
    private final Map<EventType, ObjectReader> payloadReaders = new EnumMap<>(EventType.class);

    private EventCodec() {
        this.mapper = newMapper();
        for (EventType type : EventType.values()) {
            // a payload is read from the middle of its envelope: the envelope's own brace follows it
            payloadReaders.put(type, mapper.readerFor(payloadClass(type))
                    .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS));
        }
    }

    /**
     * A new mapper with the contract's settings, for callers that need a mapper of their own
     * (e.g. an HTTP layer adding stricter read features). Changing it does not affect this codec.
     */
    public static ObjectMapper newMapper() {
        // UTF-8 only, as the contract says: Jackson would otherwise read UTF-16 and UTF-32 bytes as well
        JsonFactory utf8 = JsonFactory.builder().disable(JsonFactory.Feature.CHARSET_DETECTION).build();
        return withContractSettings(JsonMapper.builder(utf8)).build();
    }

    /**
     * Applies the contract's mapping settings (java.time support, ISO-8601 instants, exact
     * decimals, unknown fields ignored, no value of another JSON type taken for a field's: a number
     * is not a string, a string or a fraction not a whole number, an enum not its index, and nothing
     * may follow the value) to a mapper builder of any data format, e.g. a binary one for values
     * that never leave a service.
     */
    public static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B withContractSettings(B builder) {
        return builder
                .addModule(new JavaTimeModule())
                // registered after JavaTimeModule, so it replaces that module's Instant reader and writer
                .addModule(new SimpleModule("iso-instants")
                        .addDeserializer(Instant.class, new IsoInstantDeserializer())
                        .addSerializer(Instant.class, new IsoInstantSerializer()))
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .withCoercionConfig(LogicalType.Textual, text -> text
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
                // keep 3000.10 as 3000.10 when a caller reads through a JsonNode
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);
    }

    /** Writes any contract record (envelope, payload, output record) as UTF-8 JSON. */
    public byte[] encode(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /** {@link #encode(Object)} as a string. */
    public String encodeToString(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * Reads a contract record of a fixed type (payload or output record).
     *
     * @throws EventDecodingException with reason MALFORMED when the bytes are not such a record
     */
    public <T> T decode(byte[] json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (IOException | RuntimeException e) {
            throw new EventDecodingException(EventDecodingException.Reason.MALFORMED,
                    "not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads an order event envelope, resolving the payload type from {@code eventType}.
     *
     * <p>One pass over the bytes: the envelope's fields are read from the token stream and the
     * payload is bound straight to its class when {@code eventType} and {@code schemaVersion} came
     * before it (as this codec writes them); a payload that comes first is buffered and bound once
     * they are known. The checks and their order do not depend on the field order.
     *
     * @throws EventDecodingException MALFORMED for bad JSON or missing/invalid fields,
     *         UNKNOWN_EVENT_TYPE for an eventType this code does not know,
     *         UNSUPPORTED_SCHEMA_VERSION for a schemaVersion newer than {@link EventEnvelope#CURRENT_SCHEMA_VERSION}
     */
    public EventEnvelope decodeEnvelope(byte[] json) {
        if (json == null) {
            throw malformed("null value", null);
        }
        EnvelopeFields fields = new EnvelopeFields();
        try (JsonParser parser = mapper.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw malformed("envelope is not a JSON object", null);
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                readField(parser, field, fields);
            }
            if (parser.nextToken() != null) {
                throw malformed("content after the envelope's closing brace", null);
            }
        } catch (EventDecodingException e) {
            throw e;
        } catch (IOException e) {
            throw malformed("not JSON: " + e.getMessage(), e);
        }
        return fields.toEnvelope();
    }

    /** {@link #decodeEnvelope(byte[])} for a JSON string. */
    public EventEnvelope decodeEnvelope(String json) {
        return decodeEnvelope(json.getBytes(StandardCharsets.UTF_8));
    }

    private void readField(JsonParser parser, String field, EnvelopeFields fields) throws IOException {
        switch (field) {
            case "eventId" -> fields.eventId = fields.once(0, field, textOrNull(parser));
            case "eventType" -> fields.eventType = fields.once(1, field, textOrNull(parser));
            case "aggregateType" -> fields.aggregateType = fields.once(2, field, textOrNull(parser));
            case "aggregateId" -> fields.aggregateId = fields.once(3, field, textOrNull(parser));
            case "occurredAt" -> fields.occurredAt = fields.once(4, field, textOrNull(parser));
            case "schemaVersion" -> fields.schemaVersion = fields.once(5, field, versionOrNull(parser));
            case "payload" -> {
                fields.once(6, field, null);
                fields.readPayload(parser);
            }
            default -> parser.skipChildren();
        }
    }

    /** The envelope's fields as read so far; {@link #toEnvelope()} checks them. */
    private final class EnvelopeFields {
        private String eventId;
        private String eventType;
        private String aggregateType;
        private String aggregateId;
        private String occurredAt;
        private Long schemaVersion;
        private boolean payloadPresent;
        private OrderEventPayload payload;
        private TokenBuffer bufferedPayload;
        /** One bit per envelope field read so far. */
        private int seen;

        /**
         * Marks envelope field number {@code bit} (0–6) read and returns its {@code value}, or refuses a
         * field given twice: a reader that took the first value and one that took the last would see
         * two different events (two eventIds, one of them the header's).
         */
        <T> T once(int bit, String field, T value) {
            if ((seen & (1 << bit)) != 0) {
                throw malformed("field '" + field + "' given twice", null);
            }
            seen |= 1 << bit;
            return value;
        }

        void readPayload(JsonParser parser) throws IOException {
            payloadPresent = parser.currentToken() == JsonToken.START_OBJECT;
            payload = null;
            bufferedPayload = null;
            if (!payloadPresent) {
                parser.skipChildren();
                return;
            }
            Optional<EventType> type = knownEventType();
            if (type.isPresent() && supportedSchemaVersion()) {
                payload = bindPayload(parser, type.get());
            } else {
                // type or version not read yet (or invalid): toEnvelope() decides once all is read
                bufferedPayload = TokenBuffer.asCopyOfValue(parser);
            }
        }

        private Optional<EventType> knownEventType() {
            return eventType == null ? Optional.empty() : EventType.fromWireName(eventType);
        }

        private boolean supportedSchemaVersion() {
            return schemaVersion != null && schemaVersion >= 1 && schemaVersion <= EventEnvelope.CURRENT_SCHEMA_VERSION;
        }

        EventEnvelope toEnvelope() {
            EventType type = eventType();
            int version = schemaVersion();
            try {
                return new EventEnvelope(
                        canonicalUuid(required(eventId, "eventId")),
                        type.wireName(),
                        required(aggregateType, "aggregateType"),
                        required(aggregateId, "aggregateId"),
                        version,
                        IsoInstants.parse(required(occurredAt, "occurredAt")),
                        payload(type));
            } catch (EventDecodingException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw malformed("invalid envelope: " + e.getMessage(), e);
            }
        }

        private EventType eventType() {
            String name = required(eventType, "eventType");
            return knownEventType().orElseThrow(() -> new EventDecodingException(
                    EventDecodingException.Reason.UNKNOWN_EVENT_TYPE, "unknown eventType '" + name + "'"));
        }

        private int schemaVersion() {
            if (schemaVersion == null || schemaVersion < 1) {
                throw malformed("schemaVersion missing or not a positive integer", null);
            }
            if (schemaVersion > EventEnvelope.CURRENT_SCHEMA_VERSION) {
                throw new EventDecodingException(EventDecodingException.Reason.UNSUPPORTED_SCHEMA_VERSION,
                        "schemaVersion "
                                + (schemaVersion == Long.MAX_VALUE ? Long.MAX_VALUE + " or more" : schemaVersion)
                                + " is newer than supported "
                                + EventEnvelope.CURRENT_SCHEMA_VERSION);
            }
            return schemaVersion.intValue();
        }

        private OrderEventPayload payload(EventType type) throws IOException {
            if (!payloadPresent) {
                throw malformed("field 'payload' missing or not an object", null);
            }
            if (bufferedPayload != null) {
                try (JsonParser buffered = bufferedPayload.asParserOnFirstToken()) {
                    payload = bindPayload(buffered, type);
                }
                bufferedPayload = null;
            }
            return payload;
        }

        private OrderEventPayload bindPayload(JsonParser parser, EventType type) {
            try {
                return payloadReaders.get(type).readValue(parser);
            } catch (IOException | RuntimeException e) {
                throw malformed("invalid envelope: " + e.getMessage(), e);
            }
        }
    }

    /**
     * The eventId in its canonical form only: 36 characters, hex digits grouped 8-4-4-4-12.
     * {@link UUID#fromString} also reads shortened and signed groups ({@code 0-0-0-0-1}), and masks off
     * the high bits of a group too long ({@code 100000000-0-0-0-1} is {@code 0-0-0-0-1}), so two
     * different texts would name one event and one dropped as the other's duplicate.
     */
    static UUID canonicalUuid(String text) {
        if (text.length() != 36) {
            throw malformed("eventId '" + text + "' is not a UUID in canonical form", null);
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean ok = i == 8 || i == 13 || i == 18 || i == 23 ? c == '-'
                    : c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
            if (!ok) {
                throw malformed("eventId '" + text + "' is not a UUID in canonical form", null);
            }
        }
        return UUID.fromString(text);
    }

    /** The current value as text, or null when it is not a string (the caller reports it missing). */
    private static String textOrNull(JsonParser parser) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        parser.skipChildren();
        return null;
    }

    /**
     * The current value when it is a JSON integer, or null when it is anything else (a string, a
     * fraction, {@code 1.0} or {@code 1e0} too: the contract writes whole numbers as integers). An
     * integer beyond a {@code long} reads as the nearest {@code long}: a version that large is still
     * newer than any this reader knows.
     */
    private static Long versionOrNull(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token != JsonToken.VALUE_NUMBER_INT) {
            parser.skipChildren();
            return null;
        }
        if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            return parser.getBigIntegerValue().signum() > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return parser.getLongValue();
    }

    private static String required(String value, String field) {
        if (value == null) {
            throw malformed("field '" + field + "' missing or not a string", null);
        }
        return value;
    }

    private static Class<? extends OrderEventPayload> payloadClass(EventType type) {
        return switch (type) {
            case ORDER_CREATED -> OrderCreated.class;
            case ORDER_STATUS_CHANGED -> OrderStatusChanged.class;
        };
    }

    private static EventDecodingException malformed(String message, Throwable cause) {
        return new EventDecodingException(EventDecodingException.Reason.MALFORMED, message, cause);
    }
}
