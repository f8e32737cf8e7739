package com.marketplace.bench.http;

import java.nio.charset.StandardCharsets;

/**
 * The bench's order request: two items from two sellers, like a typical marketplace order. Order
 * {@code n} is placed by buyer {@code 1 + n % 5000} (email {@code b<n>@example.com}) with sellers
 * {@code 1 + n % 200} and {@code 200 +} that, so load spreads over many buyers and sellers.
 */
public final class TwoItemOrders {

    private TwoItemOrders() {
    }

    /** The JSON body of order {@code n} (n ≥ 0). */
    public static byte[] json(long n) {
        return body(n, 2);
    }

    /**
     * The body of order {@code n} with a quantity of 0 in its first item: the same bytes to read and
     * parse, answered 400 by the order API's validation before any database work.
     */
    public static byte[] invalidJson(long n) {
        return body(n, 0);
    }

    private static byte[] body(long n, int firstQuantity) {
        long buyer = 1 + n % 5_000;
        long seller = 1 + n % 200;
        return new StringBuilder(220)
                .append("{\"buyerId\":").append(buyer)
                .append(",\"buyerEmail\":\"b").append(n).append("@example.com\",\"currency\":\"KRW\",")
                .append("\"items\":[{\"productId\":10,\"sellerId\":").append(seller)
                .append(",\"quantity\":").append(firstQuantity).append(",\"unitPrice\":1500.00},")
                .append("{\"productId\":11,\"sellerId\":").append(200 + seller)
                .append(",\"quantity\":1,\"unitPrice\":99.90}]}")
                .toString().getBytes(StandardCharsets.UTF_8);
    }
}
