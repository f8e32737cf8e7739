package com.marketplace.streams.stats;

import static com.marketplace.streams.topology.Events.T0;
import static com.marketplace.streams.topology.Events.changed;
import static com.marketplace.streams.topology.Events.created;
import static com.marketplace.streams.topology.Events.item;
import static org.assertj.core.api.Assertions.assertThat;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderStatus;
import com.marketplace.events.OrderStatusChanged;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OrderStateTest {

    private final EventEnvelope order = created(42, 1, T0, List.of(item(7, 2, "1500.00"), item(9, 1, "5.00")));
    private final EventEnvelope paid = changed(order, OrderStatus.PENDING, OrderStatus.PAID, T0.plusSeconds(1));
    private final EventEnvelope cancelled = changed(order, OrderStatus.PAID, OrderStatus.CANCELLED, T0.plusSeconds(2));

    @Test
    void creationGivesACompletePendingOrderWithSellerShares() {
        OrderState state = OrderState.NONE.apply(order);

        assertThat(state.isComplete()).isTrue();
        assertThat(state.status()).isEqualTo(OrderStatus.PENDING);
        assertThat(state.sellerShares()).containsExactly(new SellerShare(7, 2, new BigDecimal("3000.00")),
                new SellerShare(9, 1, new BigDecimal("5.00")));
        assertThat(state.totalAmount()).isEqualByComparingTo("3005.00");
    }

    @Test
    void statusChangeFirstGivesAPartialStateThatCreationCompletes() {
        OrderState partial = OrderState.NONE.apply(paid);
        assertThat(partial.isComplete()).isFalse();
        assertThat(partial.sellerShares()).isEmpty();

        OrderState complete = partial.apply(order);

        assertThat(complete.isComplete()).isTrue();
        assertThat(complete.status()).isEqualTo(OrderStatus.PAID);
        assertThat(complete.createdAt()).isEqualTo(T0);
        assertThat(complete.updatedAt()).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void everyArrivalOrderEndsInTheSameState() {
        OrderState expected = OrderState.NONE.apply(order).apply(paid).apply(cancelled);
        for (List<EventEnvelope> arrival : List.of(List.of(order, cancelled, paid), List.of(paid, cancelled, order),
                List.of(cancelled, paid, order), List.of(cancelled, order, paid), List.of(paid, order, cancelled))) {
            OrderState state = OrderState.NONE;
            for (EventEnvelope event : arrival) {
                state = state.apply(event);
            }
            assertThat(state).as("arrival %s", arrival).isEqualTo(expected);
        }
        assertThat(expected.status()).isEqualTo(OrderStatus.CANCELLED);
    }

    @Test
    void aChangeStampedBeforeItsCreationIsLeftOutWhicheverArrivesFirst() {
        EventEnvelope early = changed(order, OrderStatus.PENDING, OrderStatus.CANCELLED, T0.minusNanos(4_000));

        OrderState creationFirst = OrderState.NONE.apply(order).apply(early);
        OrderState changeFirst = OrderState.NONE.apply(early).apply(order);

        assertThat(creationFirst.status()).isEqualTo(OrderStatus.PENDING);
        assertThat(changeFirst).isEqualTo(creationFirst);
    }

    @Test
    void applyingAnEventTwiceChangesNothing() {
        OrderState once = OrderState.NONE.apply(order).apply(paid);

        assertThat(once.apply(paid)).isSameAs(once);
        assertThat(once.apply(order)).isSameAs(once);
    }

    @Test
    void sameInstantTransitionsKeepTheLaterLifecycleStep() {
        EventEnvelope shipped = changed(order, OrderStatus.PAID, OrderStatus.SHIPPED, T0.plusSeconds(1));
        OrderState state = OrderState.NONE.apply(order).apply(shipped).apply(paid);

        assertThat(state.status()).isEqualTo(OrderStatus.SHIPPED);
    }

    @Test
    void contributionsRemoveMoneyOfCancelledOrdersButKeepTheOrderAndItsItems() {
        OrderState state = OrderState.NONE.apply(order).apply(cancelled);

        List<OrderContribution> sellers = new ArrayList<>(OrderContribution.ofSellers(state));
        SellerStats seller7 = SellerStats.empty().plus(7, sellers.get(0));
        BuyerStats buyer = BuyerStats.empty().plus(1, OrderContribution.ofBuyer(state));

        assertThat(seller7).isEqualTo(new SellerStats(7, 1, 2, new BigDecimal("0.00")));
        assertThat(buyer).isEqualTo(new BuyerStats(1, 1, new BigDecimal("0.00")));
    }

    @Test
    void aStatusChangeMovesACompleteOrdersContributionsOnlyByCancellingIt() {
        // OrderStatistics relies on this: it works contributions out only at creation and cancellation
        OrderState pending = OrderState.NONE.apply(order);
        EventEnvelope paidWithOtherFigures = EventEnvelope.of(UUID.randomUUID(), T0.plusSeconds(1),
                new OrderStatusChanged(42, "ORD-42", 5, "other@example.com", List.of(99L), OrderStatus.PENDING,
                        OrderStatus.PAID, new BigDecimal("1.00"), "USD", T0.plusSeconds(1)));
        OrderState paidState = pending.apply(paidWithOtherFigures);
        OrderState shipped = paidState.apply(changed(order, OrderStatus.PAID, OrderStatus.SHIPPED, T0.plusSeconds(2)));

        assertThat(paidState.status()).isEqualTo(OrderStatus.PAID);
        assertThat(OrderContributions.of(paidState)).isEqualTo(OrderContributions.of(pending));
        assertThat(OrderContributions.of(shipped)).isEqualTo(OrderContributions.of(pending));
        OrderContributions cancelledContributions = OrderContributions.of(paidState.apply(cancelled));
        assertThat(cancelledContributions.buyer().cancelled()).isTrue();
        assertThat(cancelledContributions.sellers()).allMatch(OrderContribution::cancelled);
    }
}
