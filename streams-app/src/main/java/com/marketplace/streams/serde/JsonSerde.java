package com.marketplace.streams.serde;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.marketplace.events.EventCodec;
import com.marketplace.events.EventDecodingException;
import java.io.IOException;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A serde writing values as UTF-8 JSON through the contract's {@link EventCodec}. A null value
 * (tombstone) is written and read as null. Reading bytes that are not a valid value throws
 * {@link com.marketplace.events.EventDecodingException}.
 *
 * @param <T> the record type
 */
public final class JsonSerde<T> implements Serde<T> {

    private final Serializer<T> serializer;
    private final Deserializer<T> deserializer;

    /**
     * The state stores' mapper: the contract's settings except that instants are written as
     * epoch seconds with a nanosecond fraction ({@code 1764115200.123456000}) instead of ISO-8601
     * text. Store values are read back on every update of an order, and parsing ISO-8601 text was
     * the largest single cost of doing so. It still reads ISO-8601 text, so stores written before
     * stay readable. Contract records (topics, HTTP) keep ISO-8601.
     */
    private static final ObjectMapper STATE_MAPPER = EventCodec.newMapper()
            .enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private JsonSerde(Function<Object, byte[]> writer, Function<byte[], T> reader) {
        this.serializer = (topic, value) -> value == null ? null : writer.apply(value);
        this.deserializer = (topic, bytes) -> bytes == null ? null : reader.apply(bytes);
    }

    private JsonSerde(Function<byte[], T> reader) {
        this(EventCodec.INSTANCE::encode, reader);
    }

    /** A serde for a record type with a fixed class. */
    public static <T> JsonSerde<T> of(Class<T> type) {
        return new JsonSerde<>(bytes -> EventCodec.INSTANCE.decode(bytes, type));
    }

    /**
     * A serde for internal values of a fixed class (state stores, their changelogs, repartition
     * topics): JSON as {@link #of(Class)}, instants as epoch seconds (see {@link #STATE_MAPPER}).
     */
    public static <T> JsonSerde<T> ofStateValue(Class<T> type) {
        ObjectWriter writer = STATE_MAPPER.writerFor(type);
        ObjectReader reader = STATE_MAPPER.readerFor(type);
        return new JsonSerde<>(value -> {
            try {
                return writer.writeValueAsBytes(value);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot encode " + type.getSimpleName(), e);
            }
        }, bytes -> {
            try {
                return reader.readValue(bytes);
            } catch (IOException | RuntimeException e) {
                throw new EventDecodingException(EventDecodingException.Reason.MALFORMED,
                        "not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
            }
        });
    }

    /** A serde with a custom reader, e.g. the envelope whose payload type depends on its content. */
    public static <T> JsonSerde<T> withReader(Function<byte[], T> reader) {
        return new JsonSerde<>(reader);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
