package com.marketplace.streams.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.marketplace.events.EventCodec;
import com.marketplace.events.EventDecodingException;
import com.marketplace.events.OrderStatus;
import com.marketplace.streams.stats.OrderState;
import com.marketplace.streams.stats.SellerShare;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateValueSerdeTest {

    private static final Instant CREATED = Instant.parse("2026-11-26T03:04:05.123456789Z");
    private static final OrderState STATE = new OrderState(42, "ORD-42", true, OrderStatus.PAID,
            CREATED.plusSeconds(60), 7, "buyer@example.com", List.of(9L),
            List.of(new SellerShare(9, 3, new BigDecimal("3099.90"))), new BigDecimal("3099.90"), "KRW",
            CREATED, CREATED.plusSeconds(60));

    private final StateValueSerde<OrderState> serde = StateValueSerde.of(OrderState.class);

    /** What earlier versions wrote: JSON text with instants as epoch seconds. */
    private static byte[] jsonWithNumericInstants(Object value) throws Exception {
        return EventCodec.newMapper().enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).writeValueAsBytes(value);
    }

    @Test
    void stateValuesRoundTripExactlyInSmile() throws Exception {
        byte[] bytes = serde.serializer().serialize("changelog", STATE);

        assertThat(new String(bytes, 0, 3, StandardCharsets.US_ASCII)).as("Smile header").isEqualTo(":)\n");
        assertThat(bytes.length).isLessThan(jsonWithNumericInstants(STATE).length);
        OrderState read = serde.deserializer().deserialize("changelog", bytes);
        assertThat(read).isEqualTo(STATE);
        assertThat(read.totalAmount().scale()).isEqualTo(2);
        assertThat(read.createdAt().getNano()).isEqualTo(123_456_789);
    }

    @Test
    void valuesWrittenAsJsonTextStayReadable() throws Exception {
        byte[] numericInstants = jsonWithNumericInstants(STATE);
        byte[] isoInstants = EventCodec.INSTANCE.encode(STATE);

        assertThat(new String(numericInstants, StandardCharsets.UTF_8)).contains("\"createdAt\":1795662245.123456789");
        assertThat(new String(isoInstants, StandardCharsets.UTF_8)).contains("\"createdAt\":\"2026-11-26T03:04:05.123456789Z\"");
        assertThat(serde.deserializer().deserialize("changelog", numericInstants)).isEqualTo(STATE);
        assertThat(serde.deserializer().deserialize("changelog", isoInstants)).isEqualTo(STATE);
    }

    @Test
    void tombstonesStayNullAndGarbageIsMalformed() {
        byte[] valid = serde.serializer().serialize("changelog", STATE);
        byte[] truncatedSmile = Arrays.copyOf(valid, valid.length / 2);

        assertThat(serde.serializer().serialize("changelog", null)).isNull();
        assertThat(serde.deserializer().deserialize("changelog", null)).isNull();
        for (byte[] garbage : List.of("{not json".getBytes(StandardCharsets.UTF_8), truncatedSmile, new byte[0])) {
            assertThatThrownBy(() -> serde.deserializer().deserialize("changelog", garbage))
                    .isInstanceOf(EventDecodingException.class)
                    .hasMessageContaining("OrderState");
        }
    }
}
