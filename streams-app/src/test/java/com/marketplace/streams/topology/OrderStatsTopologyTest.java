package com.marketplace.streams.topology;

import static com.marketplace.streams.topology.Events.T0;
import static com.marketplace.streams.topology.Events.changed;
import static com.marketplace.streams.topology.Events.created;
import static com.marketplace.streams.topology.Events.item;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderStatus;
import com.marketplace.events.StoreNames;
import com.marketplace.kafka.topics.TopicProvisioner;
import com.marketplace.streams.stats.BuyerStats;
import com.marketplace.streams.stats.OrderState;
import com.marketplace.streams.stats.OrdersPerMinute;
import com.marketplace.streams.stats.SellerStats;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The statistics stores of {@link OrderTopology}, asserted directly. */
class OrderStatsTopologyTest {

    private TopologyFixture fx = new TopologyFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void anOrderCreatedInTheMinutesBefore1970IsCountedButNotPerMinuteAndTheTaskGoesOn() {
        // a partition whose first records are stamped in 1970: the order's creation minute lies
        // within the day the store keeps, but before the epoch, where no window can start
        EventEnvelope beforeEpoch = created(1, 1, Instant.parse("1969-12-31T23:59:30Z"), List.of(item(7, 1, "1.00")));
        fx.send(beforeEpoch, Instant.EPOCH);
        EventEnvelope next = created(2, 1, Instant.EPOCH.plusSeconds(30), List.of(item(7, 1, "1.00")));
        fx.send(next, Instant.EPOCH.plusSeconds(30));

        assertThat(fx.statusCounts()).isEqualTo(Map.of("PENDING", 2L));
        assertThat(windowStarts(Instant.EPOCH, Instant.EPOCH.plusSeconds(3_600))).containsExactly(0L);
        assertThat(fx.ordersPerMinute().fetch(OrdersPerMinute.KEY, 0L)).as("the later order only").isEqualTo(1L);
    }

    @Test
    void aStepThatFailsOnItsLastReadHasWrittenNothingOfTheEvent() {
        // seller 7's stored statistics in a form this version cannot read: the creation's step
        // fails on the last store it reads, after it has read and worked out everything else
        byte[] sellerKey = Serdes.Long().serializer().serialize(StoreNames.SELLER_STATS, 7L);
        rawStore(StoreNames.SELLER_STATS).put(Bytes.wrap(sellerKey), new byte[] {0x02, 0x00});
        EventEnvelope order = created(42, 1, T0, List.of(item(7, 2, "1500.00")));

        assertThatThrownBy(() -> fx.send(order)).hasStackTraceContaining("not a valid SellerStats");

        assertThat(fx.orderStates().get("42")).isNull();
        assertThat(fx.statusCounts()).isEmpty();
        assertThat(fx.buyerStats().get(1L)).isNull();
        assertThat(windowStarts(T0.minusSeconds(3_600), T0.plusSeconds(3_600))).isEmpty();
    }

    /** The innermost store under {@code name}'s layers (cache, changelog, metrics): bytes in, bytes out. */
    @SuppressWarnings("unchecked")
    private KeyValueStore<Bytes, byte[]> rawStore(String name) {
        StateStore store = (StateStore) fx.driver.getKeyValueStore(name);
        while (store instanceof WrappedStateStore<?, ?, ?> wrapped) {
            store = wrapped.wrapped();
        }
        return (KeyValueStore<Bytes, byte[]>) store;
    }

    @Test
    void lifecycleMovesTheStatusCountsAndKeepsRevenue() {
        EventEnvelope order = created(42, 1, T0, List.of(item(7, 2, "1500.00"), item(9, 1, "250.50")));

        fx.send(order);
        assertThat(fx.statusCounts()).isEqualTo(Map.of("PENDING", 1L));
        fx.send(changed(order, OrderStatus.PENDING, OrderStatus.PAID, T0.plusSeconds(1)));
        assertThat(fx.statusCounts()).isEqualTo(Map.of("PAID", 1L));
        fx.send(changed(order, OrderStatus.PAID, OrderStatus.SHIPPED, T0.plusSeconds(2)));
        assertThat(fx.statusCounts()).isEqualTo(Map.of("SHIPPED", 1L));
        fx.send(changed(order, OrderStatus.SHIPPED, OrderStatus.DELIVERED, T0.plusSeconds(3)));

        assertThat(fx.statusCounts()).isEqualTo(Map.of("DELIVERED", 1L));
        assertThat(fx.sellerStats().get(7L)).isEqualTo(new SellerStats(7, 1, 2, new BigDecimal("3000.00")));
        assertThat(fx.sellerStats().get(9L)).isEqualTo(new SellerStats(9, 1, 1, new BigDecimal("250.50")));
        assertThat(fx.buyerStats().get(1L)).isEqualTo(new BuyerStats(1, 1, new BigDecimal("3250.50")));
        assertThat(fx.orderStates().get("42").status()).isEqualTo(OrderStatus.DELIVERED);
    }

    @Test
    void cancellationMovesTheCountAndRemovesRevenueButKeepsTheOrderAndItsItems() {
        EventEnvelope cancelled = created(42, 1, T0, List.of(item(7, 2, "1500.00")));
        EventEnvelope kept = created(43, 1, T0.plusSeconds(1), List.of(item(7, 1, "100.00")));
        fx.send(cancelled);
        fx.send(kept);
        fx.send(changed(cancelled, OrderStatus.PENDING, OrderStatus.PAID, T0.plusSeconds(2)));

        fx.send(changed(cancelled, OrderStatus.PAID, OrderStatus.CANCELLED, T0.plusSeconds(3)));

        assertThat(fx.statusCounts()).isEqualTo(Map.of("CANCELLED", 1L, "PENDING", 1L));
        assertThat(fx.sellerStats().get(7L)).isEqualTo(new SellerStats(7, 2, 3, new BigDecimal("100.00")));
        assertThat(fx.buyerStats().get(1L)).isEqualTo(new BuyerStats(1, 2, new BigDecimal("100.00")));
    }

    @Test
    void statusChangeBeforeCreationIsHeldAndCompletedWithTheLatestStatus() {
        EventEnvelope order = created(42, 1, T0, List.of(item(7, 2, "1500.00")));
        EventEnvelope paid = changed(order, OrderStatus.PENDING, OrderStatus.PAID, T0.plusSeconds(1));

        fx.send(paid);

        OrderState partial = fx.orderStates().get("42");
        assertThat(partial.isComplete()).isFalse();
        assertThat(partial.status()).isEqualTo(OrderStatus.PAID);
        assertThat(fx.statusCounts()).isEmpty();
        assertThat(fx.sellerStats().get(7L)).isNull();
        assertThat(fx.buyerStats().get(1L)).isNull();

        fx.send(order, T0.plusSeconds(2));

        assertThat(fx.orderStates().get("42").isComplete()).isTrue();
        assertThat(fx.orderStates().get("42").status()).isEqualTo(OrderStatus.PAID);
        assertThat(fx.statusCounts()).isEqualTo(Map.of("PAID", 1L));
        assertThat(fx.sellerStats().get(7L)).isEqualTo(new SellerStats(7, 1, 2, new BigDecimal("3000.00")));
        assertThat(fx.buyerStats().get(1L)).isEqualTo(new BuyerStats(1, 1, new BigDecimal("3000.00")));
    }

    @Test
    void olderStatusChangeArrivingLateDoesNotMoveTheOrderBackwards() {
        EventEnvelope order = created(42, 1, T0, List.of(item(7, 2, "1500.00")));
        EventEnvelope paid = changed(order, OrderStatus.PENDING, OrderStatus.PAID, T0.plusSeconds(1));
        EventEnvelope cancelledEvent = changed(order, OrderStatus.PAID, OrderStatus.CANCELLED, T0.plusSeconds(2));
        fx.send(order);
        fx.send(cancelledEvent);

        fx.send(paid, T0.plusSeconds(3));

        assertThat(fx.orderStates().get("42").status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(fx.statusCounts()).isEqualTo(Map.of("CANCELLED", 1L));
        assertThat(fx.buyerStats().get(1L).totalSpent()).isEqualByComparingTo("0");
    }

    @Test
    void everyArrivalOrderOfAnOrdersEventsGivesTheSameStats() {
        EventEnvelope order = created(42, 1, T0, List.of(item(7, 2, "1500.00"), item(9, 1, "10.00")));
        List<EventEnvelope> events = List.of(order,
                changed(order, OrderStatus.PENDING, OrderStatus.PAID, T0.plusSeconds(1)),
                changed(order, OrderStatus.PAID, OrderStatus.SHIPPED, T0.plusSeconds(2)),
                changed(order, OrderStatus.SHIPPED, OrderStatus.DELIVERED, T0.plusSeconds(3)));
        for (List<EventEnvelope> arrival : permutations(events)) {
            try (TopologyFixture run = new TopologyFixture()) {
                Instant at = T0;
                for (EventEnvelope event : arrival) {
                    at = at.plusMillis(10);
                    run.send(event, at);
                }
                assertThat(run.statusCounts()).as("arrival %s", arrival).isEqualTo(Map.of("DELIVERED", 1L));
                assertThat(run.sellerStats().get(7L)).isEqualTo(new SellerStats(7, 1, 2, new BigDecimal("3000.00")));
                assertThat(run.sellerStats().get(9L)).isEqualTo(new SellerStats(9, 1, 1, new BigDecimal("10.00")));
                assertThat(run.buyerStats().get(1L)).isEqualTo(new BuyerStats(1, 1, new BigDecimal("3010.00")));
            }
        }
    }

    @Test
    void createdOrdersAreCountedInOneMinuteWindowsByCreationTime() {
        Instant minute = Instant.parse("2026-11-25T10:15:00Z");
        fx.send(created(1, 1, minute.plusSeconds(5), List.of(item(7, 1, "1.00"))));
        fx.send(created(2, 1, minute.plusSeconds(59), List.of(item(7, 1, "1.00"))));
        fx.send(created(3, 1, minute.plusSeconds(60), List.of(item(7, 1, "1.00"))));
        // published late: counted in the minute it was created in
        fx.send(created(4, 1, minute.plusSeconds(30), List.of(item(7, 1, "1.00"))), minute.plusSeconds(200));
        EventEnvelope statusOnly = created(5, 1, minute.plusSeconds(61), List.of(item(7, 1, "1.00")));
        fx.send(changed(statusOnly, OrderStatus.PENDING, OrderStatus.PAID, minute.plusSeconds(62)));

        List<KeyValue<Long, Long>> windows = new ArrayList<>();
        try (var it = fx.ordersPerMinute().fetch(OrdersPerMinute.KEY, minute.minusSeconds(60), minute.plusSeconds(300))) {
            it.forEachRemaining(windows::add);
        }
        assertThat(windows).containsExactly(
                KeyValue.pair(minute.toEpochMilli(), 3L),
                KeyValue.pair(minute.plusSeconds(60).toEpochMilli(), 1L));
    }

    @Test
    void ordersPerMinuteWindowsAreRetainedForADayThenDropped() {
        // The in-memory window store keeps a window while it started less than a day before the
        // partition's stream time: kept a minute before that, dropped from the day on.
        assertThat(OrdersPerMinute.RETENTION).as("the contract's retention").isEqualTo(Duration.ofHours(24));
        withoutRecordCache();
        Instant minute = Instant.parse("2026-11-25T10:15:00Z");
        Instant aDayLater = minute.plus(OrdersPerMinute.RETENTION);
        fx.send(created(1, 1, minute, List.of(item(7, 1, "1.00"))));
        fx.send(created(2, 1, aDayLater.minus(OrdersPerMinute.WINDOW), List.of(item(7, 1, "1.00"))));
        assertThat(windowStarts(minute, minute.plus(Duration.ofDays(3)))).containsExactly(
                minute.toEpochMilli(), aDayLater.minus(OrdersPerMinute.WINDOW).toEpochMilli());

        fx.send(created(3, 1, aDayLater, List.of(item(7, 1, "1.00"))));

        assertThat(windowStarts(minute, minute.plus(Duration.ofDays(3)))).containsExactly(
                aDayLater.minus(OrdersPerMinute.WINDOW).toEpochMilli(), aDayLater.toEpochMilli());
    }

    @Test
    void aCreationDatedFarAheadOfItsPartitionsRecordsIsNotCountedAndErasesNoWindow() {
        withoutRecordCache();
        Instant minute = Instant.parse("2026-11-25T10:15:00Z");
        fx.send(created(1, 1, minute, List.of(item(7, 1, "1.00"))));
        // a gateway clock years ahead, sent by a relay whose clock is right
        fx.send(created(2, 1, Instant.parse("2099-01-01T00:00:00Z"), List.of(item(7, 1, "1.00"))), minute.plusSeconds(10));
        // a few seconds ahead: within the allowance, counted in its own minute
        fx.send(created(3, 1, minute.plusSeconds(65), List.of(item(7, 1, "1.00"))), minute.plusSeconds(20));
        fx.send(created(4, 1, minute.plusSeconds(120), List.of(item(7, 1, "1.00"))));

        assertThat(windowStarts(minute, Instant.parse("2100-01-01T00:00:00Z"))).containsExactly(
                minute.toEpochMilli(), minute.plusSeconds(60).toEpochMilli(), minute.plusSeconds(120).toEpochMilli());
        assertThat(fx.orderStates().get("2").isComplete()).isTrue();
        assertThat(fx.buyerStats().get(1L).orders()).isEqualTo(4);
    }

    @Test
    void theOldestWindowAQueryAsksForOutlivesACreationStampedAsFarAheadAsTheOrderTopicsAllow() {
        withoutRecordCache();
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        // the first window a query at `now` answers for
        Instant oldest = now.minus(OrdersPerMinute.QUERYABLE);
        long first = OrdersPerMinute.windowStart(oldest) == oldest.toEpochMilli() ? oldest.toEpochMilli()
                : OrdersPerMinute.windowStart(oldest) + OrdersPerMinute.WINDOW.toMillis();
        fx.send(created(1, 1, Instant.ofEpochMilli(first), List.of(item(7, 1, "1.00"))), Instant.ofEpochMilli(first));
        // a relay whose clock runs ahead stamps a creation nearly as far ahead as the order topics take,
        // from a gateway further ahead still, within the minute a creation may lie ahead of its record
        Instant stamped = now.plus(TopicProvisioner.MAX_TIMESTAMP_AHEAD).minusSeconds(1);
        Instant createdAt = stamped.plus(OrdersPerMinute.MAX_AHEAD_OF_STREAM_TIME).minusSeconds(1);
        fx.send(created(2, 1, createdAt, List.of(item(7, 1, "1.00"))), stamped);

        // the creation is counted, and the partition still holds the oldest window a query reads
        assertThat(windowStarts(Instant.ofEpochMilli(first), createdAt.plus(Duration.ofHours(1))))
                .containsExactly(first, OrdersPerMinute.windowStart(createdAt));
    }

    /**
     * A fixture whose stores have no record cache: the cache may still serve a window the store has
     * dropped until it is evicted, so the tests that watch windows expire observe the store itself.
     */
    private void withoutRecordCache() {
        Properties noCache = new Properties();
        noCache.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        fx.close();
        fx = new TopologyFixture(Duration.ofDays(7), noCache);
    }

    private List<Long> windowStarts(Instant from, Instant to) {
        List<Long> starts = new ArrayList<>();
        try (var it = fx.ordersPerMinute().fetch(OrdersPerMinute.KEY, from, to)) {
            it.forEachRemaining(kv -> starts.add(kv.key));
        }
        return starts;
    }

    private static <T> List<List<T>> permutations(List<T> items) {
        if (items.isEmpty()) {
            return List.of(List.of());
        }
        List<List<T>> result = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<T> rest = new ArrayList<>(items);
            T head = rest.remove(i);
            for (List<T> tail : permutations(rest)) {
                List<T> permutation = new ArrayList<>();
                permutation.add(head);
                permutation.addAll(tail);
                result.add(permutation);
            }
        }
        return result;
    }
}
