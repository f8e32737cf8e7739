package com.marketplace.gateway.order;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Order numbers {@code ORD-yyyyMMdd-nnnnnnnnnn}: the UTC creation date and the zero-padded order
 * id. Unique because the id is.
 */
public final class OrderNumbers {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    private OrderNumbers() {
    }

    public static String of(long orderId, Instant createdAt) {
        return "ORD-" + DATE.format(createdAt) + "-" + String.format("%010d", orderId);
    }
}
