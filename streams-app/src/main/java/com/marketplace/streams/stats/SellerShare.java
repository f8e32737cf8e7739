package com.marketplace.streams.stats;

import com.marketplace.events.OrderItem;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One seller's part of an order: how many items of the order the seller sells and their value.
 *
 * @param sellerId  the seller
 * @param itemsSold sum of the quantities of the seller's lines
 * @param revenue   sum of {@code quantity × unitPrice} of the seller's lines, exact
 */
public record SellerShare(long sellerId, long itemsSold, BigDecimal revenue) {

    public SellerShare {
        Objects.requireNonNull(revenue, "revenue");
    }

    /** The shares of an order's items, one per distinct seller, ordered by sellerId. */
    public static List<SellerShare> of(List<OrderItem> items) {
        Map<Long, SellerShare> bySeller = new TreeMap<>();
        for (OrderItem item : items) {
            bySeller.merge(item.sellerId(),
                    new SellerShare(item.sellerId(), item.quantity(), item.lineTotal()),
                    (a, b) -> new SellerShare(a.sellerId(), a.itemsSold() + b.itemsSold(), a.revenue().add(b.revenue())));
        }
        return List.copyOf(new ArrayList<>(bySeller.values()));
    }
}
