package com.marketplace.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.javalin.http.Context;
import java.io.IOException;

/**
 * The JSON of an API: responses written with the service's mapper, and requests read by a strict
 * copy of it that rejects anything but exactly-typed input: strings for numbers, numbers for
 * strings, floats for integers, booleans, nulls for primitives, unknown fields, duplicate fields
 * and trailing tokens. Every JSON answer of a handler goes through {@link #respond}.
 */
public final class ApiJson {

    public static final String CONTENT_TYPE = "application/json";

    private final ObjectMapper responses;
    private final ObjectMapper requests;
    /**
     * A reader per request type: it finds the type's deserializer once, where {@code readValue} on
     * the mapper resolves the type and looks the deserializer up on every request.
     */
    private final ClassValue<ObjectReader> readers = new ClassValue<>() {
        @Override
        protected ObjectReader computeValue(Class<?> type) {
            return requests.readerFor(type);
        }
    };

    private final ClassValue<ObjectReader> answerReaders = new ClassValue<>() {
        @Override
        protected ObjectReader computeValue(Class<?> type) {
            return readers.get(type).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        }
    };

    /** @param mapper the service's mapping settings (a {@link JsonMapper}); it is copied, not changed */
    public ApiJson(ObjectMapper mapper) {
        if (!(mapper instanceof JsonMapper json)) {
            throw new IllegalArgumentException("an API's mapper is a JsonMapper, not " + mapper.getClass().getName());
        }
        this.responses = json.copy();
        this.requests = strict(json);
    }

    private static ObjectMapper strict(JsonMapper base) {
        JsonMapper mapper = base.rebuild()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .build();
        for (LogicalType type : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            mapper.coercionConfigFor(type)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        return mapper;
    }

    /** Reads a request body strictly. @throws JsonProcessingException for any deviation */
    public <T> T readRequest(String json, Class<T> type) throws JsonProcessingException {
        return readers.get(type).readValue(json);
    }

    /**
     * Whether {@code json} is one JSON value, as strictly as a request body is read (no trailing
     * tokens, no duplicate keys, the same limits on nesting and number length): a body that is JSON of
     * another shape than its type's is told from one that is not JSON at all.
     */
    public boolean isJsonValue(String json) {
        // read as tokens, not as a tree: a number is checked for its syntax and length, not converted
        // (1e2147483648 is valid JSON that no double or BigDecimal holds)
        try (JsonParser parser = requests.createParser(json)) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Reads an answer another instance of the service sent (to a forwarded query) as strictly as a
     * request body, but for fields {@code type} does not have, which it skips: an instance of a later
     * version may answer with more, and a rolling upgrade must not make every forwarded query fail.
     *
     * @return the value, or {@code null} for a body that is JSON {@code null}
     * @throws IOException for any other deviation from exactly-typed JSON of {@code type}
     */
    public <T> T readAnswer(byte[] json, Class<T> type) throws IOException {
        return answerReaders.get(type).readValue(json);
    }

    /** Writes a body as UTF-8 JSON. */
    public byte[] write(Object value) {
        try {
            return responses.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }

    /** Answers {@code status} with {@code body} as {@code application/json}. */
    public void respond(Context ctx, int status, Object body) {
        ctx.status(status).contentType(CONTENT_TYPE).result(write(body));
    }

    /** Answers 200 with {@code body} as {@code application/json}. */
    public void ok(Context ctx, Object body) {
        respond(ctx, 200, body);
    }
}
