package com.marketplace.streams.stats;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * Statistics of one buyer (value of {@code buyer-stats-store}): the number of orders placed
 * (cancelled ones included) and the total of the orders that are not cancelled.
 */
public record BuyerStats(long buyerId, long orders, BigDecimal totalSpent) {

    public BuyerStats {
        Objects.requireNonNull(totalSpent, "totalSpent");
    }

    /** No orders yet. */
    public static BuyerStats empty() {
        return new BuyerStats(0, 0, SellerStats.ZERO_AMOUNT);
    }

    /** These stats with {@code c} added. */
    public BuyerStats plus(long buyer, OrderContribution c) {
        return new BuyerStats(buyer, orders + 1, totalSpent.add(c.countedAmount()));
    }

    /** These stats with {@code c} removed. */
    private BuyerStats minus(long buyer, OrderContribution c) {
        return new BuyerStats(buyer, orders - 1, totalSpent.subtract(c.countedAmount()));
    }

    /** These stats with {@code change} applied: its {@code before} removed, its {@code after} added. */
    public BuyerStats apply(long buyer, ContributionChange change) {
        BuyerStats stats = change.before() == null ? this : minus(buyer, change.before());
        return change.after() == null ? stats : stats.plus(buyer, change.after());
    }
}
