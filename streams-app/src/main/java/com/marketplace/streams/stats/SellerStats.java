package com.marketplace.streams.stats;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * Statistics of one seller (value of {@code seller-stats-store}): the number of orders with the
 * seller's items and the items in them (cancelled orders included), and the revenue of orders that
 * are not cancelled (the contract: "revenue of cancelled orders removed").
 */
public record SellerStats(long sellerId, long orders, long itemsSold, BigDecimal revenue) {

    /** Zero revenue with the scale of the contract's amounts. */
    public static final BigDecimal ZERO_AMOUNT = new BigDecimal("0.00");

    public SellerStats {
        Objects.requireNonNull(revenue, "revenue");
    }

    /** No orders yet. */
    public static SellerStats empty() {
        return new SellerStats(0, 0, 0, ZERO_AMOUNT);
    }

    /** These stats with {@code c} added. */
    public SellerStats plus(long seller, OrderContribution c) {
        return new SellerStats(seller, orders + 1, itemsSold + c.itemsSold(), revenue.add(c.countedAmount()));
    }

    /** These stats with {@code c} removed. */
    private SellerStats minus(long seller, OrderContribution c) {
        return new SellerStats(seller, orders - 1, itemsSold - c.itemsSold(), revenue.subtract(c.countedAmount()));
    }

    /** These stats with {@code change} applied: its {@code before} removed, its {@code after} added. */
    public SellerStats apply(long seller, ContributionChange change) {
        SellerStats stats = change.before() == null ? this : minus(seller, change.before());
        return change.after() == null ? stats : stats.plus(seller, change.after());
    }
}
