package com.marketplace.streams.query;

import com.marketplace.events.OrderStatus;
import com.marketplace.streams.stats.OrderState;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * An order's latest state as the query API answers it ({@code GET /api/v1/orders/{orderId}/state}),
 * also between instances. Its own type, not the store's value: a change of {@link OrderState}
 * does not change the HTTP contract.
 *
 * @param created whether the order's creation has been seen; before it, items and seller shares are unknown
 */
public record OrderStateView(
        long orderId,
        String orderNumber,
        boolean created,
        OrderStatus status,
        Instant statusChangedAt,
        long buyerId,
        String buyerEmail,
        List<Long> sellerIds,
        List<SellerShareView> sellerShares,
        BigDecimal totalAmount,
        String currency,
        Instant createdAt,
        Instant updatedAt) {

    /** One seller's part of the order. */
    public record SellerShareView(long sellerId, long itemsSold, BigDecimal revenue) {
    }

    public OrderStateView {
        sellerIds = sellerIds == null ? List.of() : List.copyOf(sellerIds);
        sellerShares = sellerShares == null ? List.of() : List.copyOf(sellerShares);
    }

    static OrderStateView of(OrderState state) {
        return new OrderStateView(state.orderId(), state.orderNumber(), state.created(), state.status(),
                state.statusChangedAt(), state.buyerId(), state.buyerEmail(), state.sellerIds(),
                state.sellerShares().stream()
                        .map(share -> new SellerShareView(share.sellerId(), share.itemsSold(), share.revenue()))
                        .toList(),
                state.totalAmount(), state.currency(), state.createdAt(), state.updatedAt());
    }
}
