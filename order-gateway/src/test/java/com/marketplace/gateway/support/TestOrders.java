package com.marketplace.gateway.support;

import com.marketplace.gateway.order.NewOrderRequest;
import java.math.BigDecimal;
import java.util.List;

/** Valid sample requests for tests. */
public final class TestOrders {

    private TestOrders() {
    }

    /** A valid two-item order of buyer {@code buyerId} (sellers 7 and 3). */
    public static NewOrderRequest request(long buyerId) {
        return new NewOrderRequest(buyerId, "buyer" + buyerId + "@example.com", "KRW", List.of(
                new NewOrderRequest.Item(10L, 7L, 2, new BigDecimal("1500.00")),
                new NewOrderRequest.Item(11L, 3L, 1, new BigDecimal("99.99"))));
    }

    /** The JSON of {@link #request(long)}. */
    public static String json(long buyerId) {
        return """
                {"buyerId":%d,"buyerEmail":"buyer%d@example.com","currency":"KRW","items":[\
                {"productId":10,"sellerId":7,"quantity":2,"unitPrice":1500.00},\
                {"productId":11,"sellerId":3,"quantity":1,"unitPrice":99.99}]}""".formatted(buyerId, buyerId);
    }
}
