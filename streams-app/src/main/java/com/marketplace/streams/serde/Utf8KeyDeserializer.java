package com.marketplace.streams.serde;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads an input record's key as UTF-8 and refuses bytes that are not well-formed UTF-8, where
 * Kafka's {@code StringDeserializer} would put U+FFFD in their place. A refused record goes to the
 * deserialization handler, which dead-letters it with its key and value as received; read leniently,
 * it would have been dead-lettered as {@code KEY_MISMATCH} (no orderId has such a key) under a key
 * that is no longer the one it came with.
 */
final class Utf8KeyDeserializer implements Deserializer<String> {

    /**
     * The longest key read: far beyond any orderId (at most 19 digits), and short enough that a record
     * refused for its key is dead-lettered with it.
     */
    static final int MAX_KEY_BYTES = 1_000;

    @Override
    public String deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length > MAX_KEY_BYTES) {
            throw new SerializationException("the record key has " + data.length + " bytes, more than the "
                    + MAX_KEY_BYTES + " an order's key can have");
        }
        for (byte b : data) {
            if (b < 0) {
                return decodeStrictly(data);
            }
        }
        // ASCII, as every orderId is
        return new String(data, StandardCharsets.US_ASCII);
    }

    private static String decodeStrictly(byte[] data) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SerializationException("the record key is not well-formed UTF-8", e);
        }
    }
}
