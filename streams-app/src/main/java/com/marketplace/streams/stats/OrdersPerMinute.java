package com.marketplace.streams.stats;

import java.time.Duration;
import java.time.Instant;

/**
 * Parameters of {@code orders-per-minute-store}: a windowed count of created orders, windows of
 * one minute by the order's {@code createdAt}, retained 24 hours. Each task counts the orders of
 * its own input partition under the key {@link #KEY}; a query adds the partitions' counts of each
 * window. A creation is counted as long as its window is still retained.
 */
public final class OrdersPerMinute {

    /** The key all created orders are counted under; queries fetch this key. */
    public static final String KEY = "orders";
    public static final Duration WINDOW = Duration.ofMinutes(1);
    public static final Duration RETENTION = Duration.ofHours(24);

    private OrdersPerMinute() {
    }

    /** The start, in epoch milliseconds, of the window {@code createdAt} falls in. */
    public static long windowStart(Instant createdAt) {
        long millis = createdAt.toEpochMilli();
        return millis - Math.floorMod(millis, WINDOW.toMillis());
    }
}
