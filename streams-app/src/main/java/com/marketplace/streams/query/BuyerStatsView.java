package com.marketplace.streams.query;

import com.marketplace.streams.stats.BuyerStats;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * A buyer's statistics as the query API answers them ({@code GET /api/v1/stats/buyers/{buyerId}}),
 * also between instances. Its own type, not the store's value: a change of {@link BuyerStats}
 * does not change the HTTP contract.
 */
public record BuyerStatsView(long buyerId, long orders, BigDecimal totalSpent) {

    public BuyerStatsView {
        Objects.requireNonNull(totalSpent, "totalSpent");
    }

    static BuyerStatsView of(BuyerStats stats) {
        return new BuyerStatsView(stats.buyerId(), stats.orders(), stats.totalSpent());
    }

    /** The statistics of the same buyer over the partitions of both. */
    BuyerStatsView plus(BuyerStatsView other) {
        return new BuyerStatsView(buyerId, Math.addExact(orders, other.orders), totalSpent.add(other.totalSpent));
    }
}
