package com.marketplace.streams.stats;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * What one complete order adds to the statistics of one party (a seller or the buyer). When it
 * changes, the old one is subtracted and the new one added ({@link ContributionChange}), so
 * statistics always equal the sum over the current order states.
 *
 * <p>Semantics, as the contract words them: an order counts in {@code orders} and its items in
 * {@code itemsSold} whatever its status (a cancelled order was still placed); its money counts in
 * revenue / spend only while it is not CANCELLED.
 *
 * @param orderId   the order
 * @param partyId   the seller or buyer this contribution belongs to
 * @param itemsSold the party's item count in the order
 * @param amount    the party's value in the order (seller revenue share, or the buyer's total)
 * @param cancelled whether the order is CANCELLED
 */
public record OrderContribution(long orderId, long partyId, long itemsSold, BigDecimal amount, boolean cancelled) {

    public OrderContribution {
        Objects.requireNonNull(amount, "amount");
    }

    /** Money counted: zero for a cancelled order. */
    public BigDecimal countedAmount() {
        return cancelled ? BigDecimal.ZERO : amount;
    }

    /** The buyer's contribution of a complete order. */
    public static OrderContribution ofBuyer(OrderState state) {
        long items = state.sellerShares().stream().mapToLong(SellerShare::itemsSold).sum();
        return new OrderContribution(state.orderId(), state.buyerId(), items, state.totalAmount(), state.isCancelled());
    }

    /** One contribution per seller of a complete order. */
    public static List<OrderContribution> ofSellers(OrderState state) {
        return state.sellerShares().stream()
                .map(share -> new OrderContribution(state.orderId(), share.sellerId(), share.itemsSold(),
                        share.revenue(), state.isCancelled()))
                .toList();
    }
}
