package com.marketplace.streams.stats;

import java.time.Duration;

/**
 * Parameters of {@code orders-per-minute-store}: a windowed count of created orders, windows of
 * one minute by the order's {@code createdAt}, retained 24 hours. Every order is counted under the
 * single key {@link #KEY}, so one task owns the whole count; a creation is counted as long as its
 * window is still retained (grace = retention − window).
 */
public final class OrdersPerMinute {

    /** The key all created orders are counted under; queries fetch this key. */
    public static final String KEY = "orders";
    public static final Duration WINDOW = Duration.ofMinutes(1);
    public static final Duration RETENTION = Duration.ofHours(24);
    public static final Duration GRACE = RETENTION.minus(WINDOW);

    private OrdersPerMinute() {
    }
}
