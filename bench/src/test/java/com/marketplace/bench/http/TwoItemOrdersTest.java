package com.marketplace.bench.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marketplace.events.EventCodec;
import com.marketplace.gateway.order.NewOrderRequest;
import com.marketplace.gateway.order.OrderValidator;
import com.marketplace.gateway.order.ValidationException;
import com.marketplace.http.ApiJson;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The bench's order bodies as the gateway reads them (its mapper, its validation). */
class TwoItemOrdersTest {

    private final ApiJson json = new ApiJson(EventCodec.newMapper());

    @Test
    void theOrderIsValidAndTheInvalidOneFailsOnlyOnItsFirstItemsQuantity() throws Exception {
        NewOrderRequest valid = json.readRequest(new String(TwoItemOrders.json(42), StandardCharsets.UTF_8), NewOrderRequest.class);
        assertThat(OrderValidator.validate(valid).items()).hasSize(2);

        byte[] invalid = TwoItemOrders.invalidJson(42);
        assertThat(invalid).hasSameSizeAs(TwoItemOrders.json(42));
        NewOrderRequest parsed = json.readRequest(new String(invalid, StandardCharsets.UTF_8), NewOrderRequest.class);
        assertThatThrownBy(() -> OrderValidator.validate(parsed))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors())
                        .extracting(error -> error.field())
                        .containsExactly("items[0].quantity"));
    }
}
