package com.marketplace.streams.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marketplace.events.EventCodec;
import com.marketplace.events.EventDecodingException;
import com.marketplace.events.OrderStatus;
import com.marketplace.streams.stats.OrderState;
import com.marketplace.streams.stats.SellerShare;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonSerdeTest {

    private static final Instant CREATED = Instant.parse("2026-11-26T03:04:05.123456789Z");
    private static final OrderState STATE = new OrderState(42, "ORD-42", true, OrderStatus.PAID,
            CREATED.plusSeconds(60), 7, "buyer@example.com", List.of(9L),
            List.of(new SellerShare(9, 3, new BigDecimal("3099.90"))), new BigDecimal("3099.90"), "KRW",
            CREATED, CREATED.plusSeconds(60));

    private final JsonSerde<OrderState> serde = JsonSerde.ofStateValue(OrderState.class);

    @Test
    void stateValuesRoundTripWithNanosecondInstants() {
        byte[] bytes = serde.serializer().serialize("changelog", STATE);

        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .as("instants as epoch seconds, not ISO-8601 text")
                .contains("\"createdAt\":1795662245.123456789");
        assertThat(serde.deserializer().deserialize("changelog", bytes)).isEqualTo(STATE);
    }

    @Test
    void stateValuesWrittenWithIsoInstantsStayReadable() {
        byte[] iso = EventCodec.INSTANCE.encode(STATE);

        assertThat(new String(iso, StandardCharsets.UTF_8)).contains("\"createdAt\":\"2026-11-26T03:04:05.123456789Z\"");
        assertThat(serde.deserializer().deserialize("changelog", iso)).isEqualTo(STATE);
    }

    @Test
    void tombstonesStayNullAndGarbageIsMalformed() {
        assertThat(serde.serializer().serialize("changelog", null)).isNull();
        assertThat(serde.deserializer().deserialize("changelog", null)).isNull();
        assertThatThrownBy(() -> serde.deserializer().deserialize("changelog", "{not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("OrderState");
    }
}
