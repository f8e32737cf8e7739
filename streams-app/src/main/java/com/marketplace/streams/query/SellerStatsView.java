package com.marketplace.streams.query;

import com.marketplace.streams.stats.SellerStats;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * A seller's statistics as the query API answers them ({@code GET /api/v1/stats/sellers/{sellerId}}),
 * also between instances. Its own type, not the store's value: a change of {@link SellerStats}
 * does not change the HTTP contract.
 */
public record SellerStatsView(long sellerId, long orders, long itemsSold, BigDecimal revenue) {

    public SellerStatsView {
        Objects.requireNonNull(revenue, "revenue");
    }

    static SellerStatsView of(SellerStats stats) {
        return new SellerStatsView(stats.sellerId(), stats.orders(), stats.itemsSold(), stats.revenue());
    }

    /** The statistics of the same seller over the partitions of both. */
    SellerStatsView plus(SellerStatsView other) {
        return new SellerStatsView(sellerId, Math.addExact(orders, other.orders),
                Math.addExact(itemsSold, other.itemsSold), revenue.add(other.revenue));
    }
}
