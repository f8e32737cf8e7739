package com.marketplace.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * The one JSON codec of the contract (UTF-8). Amounts are written as exact decimals with their
 * scale ({@code 3000.00}) and read as {@link java.math.BigDecimal}; instants are ISO-8601 strings;
 * unknown fields are ignored on read so producers can add fields without breaking consumers.
 * Thread-safe; use the shared {@link #INSTANCE} (or {@link #NUMERIC_INSTANTS} for internal values).
 */
public final class EventCodec {

    public static final EventCodec INSTANCE = new EventCodec(newMapper());

    /**
     * The contract's settings except that instants are written as epoch seconds with a nanosecond
     * fraction ({@code 1764115200.123456000}); both forms are read. Only for values that never leave
     * a service (state stores, their changelogs, internal topics), where reading a number is much
     * cheaper than parsing ISO-8601 text. Never for the contract's topics or HTTP bodies.
     */
    public static final EventCodec NUMERIC_INSTANTS =
            new EventCodec(newMapper().enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS));

    private final ObjectMapper mapper;

    private EventCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * A new mapper with the contract's settings, for callers that need a mapper of their own
     * (e.g. an HTTP layer adding stricter read features). Changing it does not affect this codec.
     */
    public static ObjectMapper newMapper() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
                // keep 3000.10 as 3000.10 when reading through a JsonNode (the envelope is read in two steps)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .build();
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
     * @throws EventDecodingException MALFORMED for bad JSON or missing/invalid fields,
     *         UNKNOWN_EVENT_TYPE for an eventType this code does not know,
     *         UNSUPPORTED_SCHEMA_VERSION for a schemaVersion newer than {@link EventEnvelope#CURRENT_SCHEMA_VERSION}
     */
    public EventEnvelope decodeEnvelope(byte[] json) {
        JsonNode tree = readTree(json);
        EventType type = eventTypeOf(tree);
        int version = schemaVersionOf(tree);
        try {
            return new EventEnvelope(
                    UUID.fromString(requiredText(tree, "eventId")),
                    type.wireName(),
                    requiredText(tree, "aggregateType"),
                    requiredText(tree, "aggregateId"),
                    version,
                    Instant.parse(requiredText(tree, "occurredAt")),
                    mapper.treeToValue(requiredObject(tree, "payload"), payloadClass(type)));
        } catch (EventDecodingException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw malformed("invalid envelope: " + e.getMessage(), e);
        }
    }

    /** {@link #decodeEnvelope(byte[])} for a JSON string. */
    public EventEnvelope decodeEnvelope(String json) {
        return decodeEnvelope(json.getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode readTree(byte[] json) {
        if (json == null) {
            throw malformed("null value", null);
        }
        try {
            JsonNode tree = mapper.readTree(json);
            if (tree == null || !tree.isObject()) {
                throw malformed("envelope is not a JSON object", null);
            }
            return tree;
        } catch (IOException e) {
            throw malformed("not JSON: " + e.getMessage(), e);
        }
    }

    private static EventType eventTypeOf(JsonNode tree) {
        String name = requiredText(tree, "eventType");
        return EventType.fromWireName(name).orElseThrow(() -> new EventDecodingException(
                EventDecodingException.Reason.UNKNOWN_EVENT_TYPE, "unknown eventType '" + name + "'"));
    }

    private static int schemaVersionOf(JsonNode tree) {
        JsonNode node = tree.get("schemaVersion");
        if (node == null || !node.canConvertToExactIntegral() || node.asInt() < 1) {
            throw malformed("schemaVersion missing or not a positive integer", null);
        }
        if (node.asInt() > EventEnvelope.CURRENT_SCHEMA_VERSION) {
            throw new EventDecodingException(EventDecodingException.Reason.UNSUPPORTED_SCHEMA_VERSION,
                    "schemaVersion " + node.asInt() + " is newer than supported "
                            + EventEnvelope.CURRENT_SCHEMA_VERSION);
        }
        return node.asInt();
    }

    private static Class<? extends OrderEventPayload> payloadClass(EventType type) {
        return switch (type) {
            case ORDER_CREATED -> OrderCreated.class;
            case ORDER_STATUS_CHANGED -> OrderStatusChanged.class;
        };
    }

    private static String requiredText(JsonNode tree, String field) {
        JsonNode node = tree.get(field);
        if (node == null || !node.isTextual()) {
            throw malformed("field '" + field + "' missing or not a string", null);
        }
        return node.asText();
    }

    private static ObjectNode requiredObject(JsonNode tree, String field) {
        JsonNode node = tree.get(field);
        if (!(node instanceof ObjectNode object)) {
            throw malformed("field '" + field + "' missing or not an object", null);
        }
        return object;
    }

    private static EventDecodingException malformed(String message, Throwable cause) {
        return new EventDecodingException(EventDecodingException.Reason.MALFORMED, message, cause);
    }
}
