package com.marketplace.streams.stats;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one order contributes to the party statistics: the buyer's contribution and one per
 * seller. An order that is not complete yet contributes nothing ({@link #NONE}).
 *
 * @param buyer   the buyer's contribution, null for {@link #NONE}
 * @param sellers one contribution per seller, in the order's seller order
 */
public record OrderContributions(OrderContribution buyer, List<OrderContribution> sellers) {

    public static final OrderContributions NONE = new OrderContributions(null, List.of());

    public OrderContributions {
        sellers = sellers == null ? List.of() : List.copyOf(sellers);
    }

    /** The contributions of {@code state}; {@link #NONE} for no state or an order not complete yet. */
    public static OrderContributions of(OrderState state) {
        if (state == null || !state.isComplete()) {
            return NONE;
        }
        return new OrderContributions(OrderContribution.ofBuyer(state), OrderContribution.ofSellers(state));
    }

    /** The buyer changes from {@code before} to {@code after}, by buyer id (empty when nothing changed). */
    public static Map<Long, ContributionChange> buyerChanges(OrderContributions before, OrderContributions after) {
        return changes(before.buyer == null ? List.of() : List.of(before.buyer),
                after.buyer == null ? List.of() : List.of(after.buyer));
    }

    /** The seller changes from {@code before} to {@code after}, by seller id (empty when nothing changed). */
    public static Map<Long, ContributionChange> sellerChanges(OrderContributions before, OrderContributions after) {
        return changes(before.sellers, after.sellers);
    }

    private static Map<Long, ContributionChange> changes(List<OrderContribution> before, List<OrderContribution> after) {
        Map<Long, OrderContribution> old = new LinkedHashMap<>();
        before.forEach(c -> old.put(c.partyId(), c));
        Map<Long, ContributionChange> changes = new LinkedHashMap<>();
        for (OrderContribution now : after) {
            OrderContribution was = old.remove(now.partyId());
            if (!now.equals(was)) {
                changes.put(now.partyId(), new ContributionChange(was, now));
            }
        }
        old.forEach((party, was) -> changes.put(party, new ContributionChange(was, null)));
        return changes;
    }
}
