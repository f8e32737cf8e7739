package com.marketplace.streams.stats;

import static com.marketplace.streams.topology.Events.T0;
import static com.marketplace.streams.topology.Events.changed;
import static com.marketplace.streams.topology.Events.created;
import static com.marketplace.streams.topology.Events.item;
import static org.assertj.core.api.Assertions.assertThat;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderStatus;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrderContributionsTest {

    private static final EventEnvelope CREATED = created(1, 100, T0,
            List.of(item(7, 2, "10.00"), item(9, 1, "5.50"), item(7, 1, "1.00")));
    private static final OrderState PENDING = OrderState.NONE.apply(CREATED);
    private static final OrderState PAID = PENDING.apply(changed(CREATED, OrderStatus.PENDING, OrderStatus.PAID, T0.plusSeconds(1)));
    private static final OrderState CANCELLED = PAID.apply(
            changed(CREATED, OrderStatus.PAID, OrderStatus.CANCELLED, T0.plusSeconds(2)));

    @Test
    void aNewOrderAddsOneContributionPerDistinctSellerAndOneForTheBuyer() {
        OrderContributions after = OrderContributions.of(PENDING);

        Map<Long, ContributionChange> sellers = OrderContributions.sellerChanges(OrderContributions.NONE, after);
        Map<Long, ContributionChange> buyer = OrderContributions.buyerChanges(OrderContributions.NONE, after);

        assertThat(sellers).containsOnlyKeys(7L, 9L);
        assertThat(sellers.get(7L).before()).isNull();
        assertThat(sellers.get(7L).after().itemsSold()).isEqualTo(3);
        assertThat(sellers.get(7L).after().countedAmount()).isEqualByComparingTo("21.00");
        assertThat(buyer).containsOnlyKeys(100L);
        assertThat(buyer.get(100L).after().countedAmount()).isEqualByComparingTo("26.50");
    }

    @Test
    void aStatusChangeOtherThanCancellationChangesNoContribution() {
        assertThat(OrderContributions.of(PAID)).isEqualTo(OrderContributions.of(PENDING));
        assertThat(OrderContributions.sellerChanges(OrderContributions.of(PENDING), OrderContributions.of(PAID))).isEmpty();
        assertThat(OrderContributions.buyerChanges(OrderContributions.of(PENDING), OrderContributions.of(PAID))).isEmpty();
    }

    @Test
    void aCancellationTakesTheMoneyOutButKeepsTheOrderAndItsItemsCounted() {
        OrderContributions before = OrderContributions.of(PAID);
        OrderContributions after = OrderContributions.of(CANCELLED);
        SellerStats seller7 = SellerStats.empty().plus(7, before.sellers().get(0));

        ContributionChange change = OrderContributions.sellerChanges(before, after).get(7L);
        SellerStats cancelled = seller7.apply(7, change);

        assertThat(cancelled).isEqualTo(new SellerStats(7, 1, 3, new BigDecimal("0.00")));
        BuyerStats buyer = BuyerStats.empty().plus(100, before.buyer())
                .apply(100, OrderContributions.buyerChanges(before, after).get(100L));
        assertThat(buyer.orders()).isEqualTo(1);
        assertThat(buyer.totalSpent()).isEqualByComparingTo("0");
    }

    @Test
    void anOrderNotCompleteYetContributesNothing() {
        OrderState partial = OrderState.NONE.apply(changed(CREATED, OrderStatus.PENDING, OrderStatus.PAID, T0));

        assertThat(OrderContributions.of(partial)).isEqualTo(OrderContributions.NONE);
        assertThat(OrderContributions.of(null)).isEqualTo(OrderContributions.NONE);
        assertThat(OrderContributions.sellerChanges(OrderContributions.NONE, OrderContributions.NONE)).isEmpty();
    }

    @Test
    void anOrderLeavingAPartysStatisticsIsTakenOut() {
        OrderContributions before = OrderContributions.of(PENDING);

        Map<Long, ContributionChange> sellers = OrderContributions.sellerChanges(before, OrderContributions.NONE);

        assertThat(sellers).containsOnlyKeys(7L, 9L);
        assertThat(sellers.values()).allSatisfy(change -> assertThat(change.after()).isNull());
    }
}
