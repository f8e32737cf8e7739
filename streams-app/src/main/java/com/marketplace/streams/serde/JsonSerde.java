package com.marketplace.streams.serde;

import com.marketplace.events.EventCodec;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A serde writing values as UTF-8 JSON through the contract's {@link EventCodec}, for the
 * contract's records on topics (internal values use {@link StateValueSerde}). A null value
 * (tombstone) is written and read as null. Reading bytes that are not a valid value throws
 * {@link com.marketplace.events.EventDecodingException}.
 *
 * @param <T> the record type
 */
public final class JsonSerde<T> implements Serde<T> {

    private final Serializer<T> serializer;
    private final Deserializer<T> deserializer;

    private JsonSerde(Class<T> type) {
        this.serializer = (topic, value) -> value == null ? null : EventCodec.INSTANCE.encode(value);
        this.deserializer = (topic, bytes) -> bytes == null ? null : EventCodec.INSTANCE.decode(bytes, type);
    }

    /** A serde for a record type with a fixed class. */
    public static <T> JsonSerde<T> of(Class<T> type) {
        return new JsonSerde<>(type);
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
