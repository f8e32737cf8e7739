package com.marketplace.streams.it;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderCreated;
import com.marketplace.events.OrderItem;
import com.marketplace.events.OrderStatus;
import com.marketplace.streams.stats.BuyerStats;
import com.marketplace.streams.stats.SellerStats;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The statistics computed directly from the distinct input events, without Kafka Streams: the
 * latest status of an order is its status change with the latest changedAt; cancelled orders count
 * as orders but not as items sold, revenue or spend.
 */
public final class ExpectedStats {

    public final Map<String, Long> statusCounts = new TreeMap<>();
    public final Map<Long, SellerStats> sellers = new TreeMap<>();
    public final Map<Long, BuyerStats> buyers = new TreeMap<>();
    public final Map<Long, Long> ordersPerMinute = new TreeMap<>();
    /** The final status of every order, by orderId. */
    public final Map<Long, OrderStatus> orderStatus = new TreeMap<>();

    public ExpectedStats(InputScenario scenario) {
        Map<Long, OrderStatus> finalStatus = latestStatuses(scenario);
        for (OrderCreated order : scenario.creations()) {
            OrderStatus status = finalStatus.getOrDefault(order.orderId(), order.status());
            orderStatus.put(order.orderId(), status);
            boolean cancelled = status == OrderStatus.CANCELLED;
            statusCounts.merge(status.name(), 1L, Long::sum);
            addBuyer(order, cancelled);
            new TreeSet<>(order.items().stream().map(OrderItem::sellerId).toList())
                    .forEach(seller -> addSeller(order, seller, cancelled));
            ordersPerMinute.merge(order.createdAt().truncatedTo(ChronoUnit.MINUTES).toEpochMilli(), 1L, Long::sum);
        }
    }

    /** The expected status counts with every status present (0 where no order has it), in status order. */
    public Map<String, Long> statusCountsOfEveryStatus() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (OrderStatus status : OrderStatus.values()) {
            counts.put(status.name(), statusCounts.getOrDefault(status.name(), 0L));
        }
        return counts;
    }

    private static Map<Long, OrderStatus> latestStatuses(InputScenario scenario) {
        Map<Long, OrderStatus> status = new HashMap<>();
        Map<Long, Instant> at = new HashMap<>();
        for (EventEnvelope event : scenario.unique) {
            if (event.payload() instanceof com.marketplace.events.OrderStatusChanged change
                    && (at.get(change.orderId()) == null || change.changedAt().isAfter(at.get(change.orderId())))) {
                status.put(change.orderId(), change.status());
                at.put(change.orderId(), change.changedAt());
            }
        }
        return status;
    }

    private void addBuyer(OrderCreated order, boolean cancelled) {
        BuyerStats old = buyers.getOrDefault(order.buyerId(), BuyerStats.empty());
        buyers.put(order.buyerId(), new BuyerStats(order.buyerId(), old.orders() + 1,
                old.totalSpent().add(cancelled ? BigDecimal.ZERO : order.totalAmount())));
    }

    private void addSeller(OrderCreated order, long seller, boolean cancelled) {
        long items = 0;
        BigDecimal revenue = BigDecimal.ZERO;
        for (OrderItem item : order.items()) {
            if (item.sellerId() == seller) {
                items += item.quantity();
                revenue = revenue.add(item.lineTotal());
            }
        }
        SellerStats old = sellers.getOrDefault(seller, SellerStats.empty());
        sellers.put(seller, new SellerStats(seller, old.orders() + 1, old.itemsSold() + items,
                old.revenue().add(cancelled ? BigDecimal.ZERO : revenue)));
    }
}
