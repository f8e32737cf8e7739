package com.marketplace.events;

/** State store names of the streams app; the interactive-query API addresses stores by these names. */
public final class StoreNames {

    public static final String DEDUPE = "dedupe-store";
    public static final String ORDER_STATE = "order-state-store";
    public static final String STATUS_COUNTS = "status-counts-store";
    public static final String SELLER_STATS = "seller-stats-store";
    public static final String BUYER_STATS = "buyer-stats-store";
    public static final String ORDERS_PER_MINUTE = "orders-per-minute-store";
    /** Internal, not queried: the orders of {@link #ORDER_STATE} that are still partial, for their purge. */
    public static final String PARTIAL_ORDERS = "partial-orders-store";

    private StoreNames() {
    }
}
