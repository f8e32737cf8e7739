package com.marketplace.streams.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marketplace.events.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

class Utf8KeyDeserializerTest {

    private final Deserializer<String> keys = new AppSerdes(StateValueFormat.COMPACT).inputKeys().deserializer();

    @Test
    void readsOrderIdsAndOtherWellFormedUtf8() {
        assertThat(keys.deserialize(Topics.ORDER_CREATED, "42".getBytes(StandardCharsets.US_ASCII))).isEqualTo("42");
        assertThat(keys.deserialize(Topics.ORDER_CREATED, "주문-7".getBytes(StandardCharsets.UTF_8))).isEqualTo("주문-7");
        assertThat(keys.deserialize(Topics.ORDER_CREATED, new byte[0])).isEmpty();
        assertThat(keys.deserialize(Topics.ORDER_CREATED, null)).isNull();
    }

    @Test
    void refusesBytesThatAreNotWellFormedUtf8() {
        byte[][] malformed = {
            {'4', (byte) 0xC3},                    // a lead byte cut off
            {(byte) 0xC0, (byte) 0xAF},            // an overlong '/'
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded surrogate
            {(byte) 0xFF},
        };
        for (byte[] key : malformed) {
            assertThatThrownBy(() -> keys.deserialize(Topics.ORDER_CREATED, key))
                    .isInstanceOf(SerializationException.class).hasMessageContaining("not well-formed UTF-8");
        }
    }

    @Test
    void refusesAKeyLongerThanAnOrdersCanBe() {
        byte[] longest = "7".repeat(Utf8KeyDeserializer.MAX_KEY_BYTES).getBytes(StandardCharsets.US_ASCII);
        byte[] tooLong = "7".repeat(Utf8KeyDeserializer.MAX_KEY_BYTES + 1).getBytes(StandardCharsets.US_ASCII);

        assertThat(keys.deserialize(Topics.ORDER_CREATED, longest)).hasSize(Utf8KeyDeserializer.MAX_KEY_BYTES);
        assertThatThrownBy(() -> keys.deserialize(Topics.ORDER_CREATED, tooLong))
                .isInstanceOf(SerializationException.class).hasMessageContaining("1001 bytes");
    }
}
