package com.marketplace.streams.stats;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderCreated;
import com.marketplace.events.OrderEventPayload;
import com.marketplace.events.OrderStatus;
import com.marketplace.events.OrderStatusChanged;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * The latest state of one order as seen by the stream (value of {@code order-state-store}).
 *
 * <p>The two event types travel on two topics, so they may arrive in any order. The state
 * therefore has two phases:
 * <ul>
 *   <li><b>partial</b> ({@code created == false}): a status change arrived before the
 *       {@code OrderCreated}. Status, buyer, sellers and total are known (events are
 *       self-contained), the items are not. A partial order contributes to no statistic.</li>
 *   <li><b>complete</b> ({@code created == true}): the {@code OrderCreated} has been applied; the
 *       order counts in status counts, seller and buyer statistics.</li>
 * </ul>
 * The status never moves backwards: a status change is applied only when it is newer than the
 * current status ({@code changedAt} later, or the same instant and further along the lifecycle)
 * and the current status is not terminal. A creation never overrides a status that a change has
 * already set, because every change follows its order's creation. Applying an event twice is
 * therefore a no-op, which also keeps the statistics right for a replay older than the dedupe
 * retention: the event finds its order already moved. (Not across a crash under at_least_once, where
 * the order's state and its statistics may have reached their stores apart: docs/architecture.md.)
 */
public record OrderState(
        long orderId,
        String orderNumber,
        boolean created,
        OrderStatus status,
        Instant statusChangedAt,
        long buyerId,
        String buyerEmail,
        List<Long> sellerIds,
        List<SellerShare> sellerShares,
        BigDecimal totalAmount,
        String currency,
        Instant createdAt,
        Instant updatedAt) {

    /** The aggregate before any event: no order yet. Never stored. */
    public static final OrderState NONE = new OrderState(0, null, false, null, null, 0, null,
            List.of(), List.of(), null, null, null, null);

    public OrderState {
        sellerIds = sellerIds == null ? List.of() : List.copyOf(sellerIds);
        sellerShares = sellerShares == null ? List.of() : List.copyOf(sellerShares);
    }

    /** The state after {@code event}; {@code this} when the event changes nothing. */
    public OrderState apply(EventEnvelope event) {
        OrderEventPayload payload = event.payload();
        if (payload instanceof OrderCreated creation) {
            return applyCreation(creation);
        }
        return applyStatusChange((OrderStatusChanged) payload);
    }

    /** Whether the OrderCreated has been seen, so the order counts in the statistics. */
    @JsonIgnore
    public boolean isComplete() {
        return created;
    }

    /** Whether the order's money counts as revenue / spend: every status except CANCELLED. */
    @JsonIgnore
    public boolean isCancelled() {
        return status == OrderStatus.CANCELLED;
    }

    private OrderState applyCreation(OrderCreated c) {
        if (created) {
            return this;
        }
        // a change stamped before the creation is one the created order would not take (isNewer), so it is
        // not kept either when it came first: the state is the same whichever of the two arrived first
        boolean statusKnown = status != null && isAfter(statusChangedAt, status, c.createdAt(), c.status());
        return new OrderState(c.orderId(), c.orderNumber(), true,
                statusKnown ? status : c.status(),
                statusKnown ? statusChangedAt : c.createdAt(),
                c.buyerId(), c.buyerEmail(), c.sellerIds(), SellerShare.of(c.items()),
                c.totalAmount(), c.currency(), c.createdAt(),
                statusKnown ? later(updatedAt, c.createdAt()) : c.createdAt());
    }

    private OrderState applyStatusChange(OrderStatusChanged s) {
        if (status != null && !isNewer(s)) {
            return this;
        }
        if (status == null) {
            return new OrderState(s.orderId(), s.orderNumber(), false, s.status(), s.changedAt(),
                    s.buyerId(), s.buyerEmail(), s.sellerIds(), List.of(), s.totalAmount(), s.currency(),
                    null, s.changedAt());
        }
        return new OrderState(orderId, orderNumber, created, s.status(), s.changedAt(), buyerId, buyerEmail,
                sellerIds, sellerShares, totalAmount, currency, createdAt, later(updatedAt, s.changedAt()));
    }

    private boolean isNewer(OrderStatusChanged change) {
        return !status.isTerminal() && isAfter(change.changedAt(), change.status(), statusChangedAt, status);
    }

    /** Whether a status set at {@code at} comes after one set at {@code than}: later, or as late and further on. */
    private static boolean isAfter(Instant at, OrderStatus status, Instant than, OrderStatus thanStatus) {
        int byTime = at.compareTo(than);
        return byTime > 0 || (byTime == 0 && status.ordinal() > thanStatus.ordinal());
    }

    private static Instant later(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }
}
