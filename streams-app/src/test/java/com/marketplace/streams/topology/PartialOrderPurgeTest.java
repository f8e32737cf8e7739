package com.marketplace.streams.topology;

import static com.marketplace.streams.topology.Events.T0;
import static com.marketplace.streams.topology.Events.changed;
import static com.marketplace.streams.topology.Events.created;
import static com.marketplace.streams.topology.Events.item;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderStatus;
import com.marketplace.events.StoreNames;
import com.marketplace.streams.config.StreamsAppConfig;
import com.marketplace.streams.serde.AppSerdes;
import com.marketplace.streams.stats.OrderState;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PartialOrderPurgeTest {

    /** Created before its status changes: complete. */
    private static final EventEnvelope CREATED_FIRST = created(1, 10, T0, List.of(item(7, 2, "10.00")));
    /** Its status changes come first: partial until (unless) its creation arrives. */
    private static final EventEnvelope CREATED_LATE = created(2, 11, T0, List.of(item(7, 1, "5.00")));

    private final TopologyFixture fixture = new TopologyFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void orderWhoseCreationNeverArrivesIsPurgedAfterTheRetentionAndNoStatisticChanges() {
        // Given a complete order and an order of which only a status change arrived
        fixture.send(CREATED_FIRST);
        fixture.send(changed(CREATED_LATE, OrderStatus.PENDING, OrderStatus.PAID, T0.plusSeconds(1)));
        assertThat(fixture.orderStates().get("2")).isNotNull();

        // When days pass on the clock without records, or the records' time moves on by less than the
        // default retention (7 days), the partial order is kept
        fixture.driver.advanceWallClockTime(Duration.ofDays(8));
        assertThat(fixture.orderStates().get("2")).isNotNull();
        moveStreamTimeTo(T0.plus(Duration.ofDays(6)));
        assertThat(fixture.orderStates().get("2")).isNotNull();

        // Then once the records' time is a retention past its latest event, the next sweep deletes it,
        // and the complete order and statistics are untouched
        moveStreamTimeTo(T0.plus(Duration.ofDays(7)).plusSeconds(2));
        assertThat(fixture.orderStates().get("2")).isNull();
        assertThat(fixture.orderStates().get("1")).isNotNull();
        assertThat(fixture.statusCounts()).containsOnly(entry("PENDING", 1L));
        assertThat(fixture.sellerStats().get(7L).orders()).isEqualTo(1);
    }

    @Test
    void aCreationReadAfterALongStopStillFindsItsOrdersStatusChange() {
        // Given a cancellation whose order's creation is not read yet (it lies further on in the backlog)
        fixture.send(changed(CREATED_LATE, OrderStatus.PENDING, OrderStatus.CANCELLED, T0.plusSeconds(1)));

        // When eight days pass on the clock before the creation is read (the app was stopped)
        fixture.driver.advanceWallClockTime(Duration.ofDays(8));
        fixture.send(CREATED_LATE);

        // Then the order is counted as cancelled, and its amount as spent by no one
        assertThat(fixture.orderStates().get("2").status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(fixture.statusCounts()).containsOnly(entry("CANCELLED", 1L));
        assertThat(fixture.buyerStats().get(11L).totalSpent()).isEqualByComparingTo(BigDecimal.ZERO);
    }

    @Test
    void thePartialOrdersStoreHoldsAnOrderOnlyUntilItsCreationArrives() {
        fixture.send(CREATED_FIRST);
        fixture.send(changed(CREATED_FIRST, OrderStatus.PENDING, OrderStatus.PAID, T0.plusSeconds(1)));
        fixture.send(changed(CREATED_LATE, OrderStatus.PENDING, OrderStatus.PAID, T0.plusSeconds(2)));
        fixture.send(changed(CREATED_LATE, OrderStatus.PAID, OrderStatus.SHIPPED, T0.plusSeconds(3)));

        assertThat(fixture.partialOrders().get("1")).isNull();
        assertThat(fixture.partialOrders().get("2")).isEqualTo(T0.plusSeconds(3).toEpochMilli());

        fixture.send(CREATED_LATE);
        assertThat(fixture.partialOrders().get("2")).isNull();
        assertThat(fixture.orderStates().get("2").status()).isEqualTo(OrderStatus.SHIPPED);
    }

    @Test
    void aPartialOrderTheIndexMissedIsFoundByTheBackgroundPassAndPurged() {
        // Given a partial order missing from the index, as one stored by a version without it
        fixture.send(changed(CREATED_LATE, OrderStatus.PENDING, OrderStatus.PAID, T0.plusSeconds(1)));
        fixture.partialOrders().delete("2");

        // When a step of the background pass has run, it is indexed at the stream time (its own record's)
        fixture.driver.advanceWallClockTime(PartialOrderPurge.STEP);
        assertThat(fixture.partialOrders().get("2")).isEqualTo(T0.plusSeconds(1).toEpochMilli());

        // Then the sweep after the retention purges it
        moveStreamTimeTo(T0.plus(Duration.ofDays(7)).plusSeconds(2));
        assertThat(fixture.orderStates().get("2")).isNull();
        assertThat(fixture.partialOrders().get("2")).isNull();
    }

    @Test
    void anIndexEntryOfAnOrderCompletedSinceIsDroppedAndTheOrderKept() {
        fixture.send(CREATED_FIRST);
        // an entry the index should not hold: a complete order's
        fixture.partialOrders().put("1", T0.toEpochMilli());

        moveStreamTimeTo(T0.plus(Duration.ofDays(7)).plusSeconds(2));

        assertThat(fixture.orderStates().get("1")).isNotNull();
        assertThat(fixture.partialOrders().get("1")).isNull();
        assertThat(fixture.statusCounts()).containsOnly(entry("PENDING", 1L));
    }

    @Test
    void aPartialOrdersAgeIsItsRecordsTimeNotTheTimeItsEventNames() {
        // Given an outbox held back for longer than the retention: an order's status change of day 0,
        // sent on day 8 and read before its creation
        Instant sent = T0.plus(Duration.ofDays(8));
        fixture.send(changed(CREATED_LATE, OrderStatus.PENDING, OrderStatus.PAID, T0.plusSeconds(1)), sent);
        assertThat(fixture.partialOrders().get("2")).isEqualTo(sent.toEpochMilli());

        // When a sweep runs before the creation, sent just after it, is read
        fixture.driver.advanceWallClockTime(PartialOrderPurge.sweepInterval(Duration.ofDays(7)));
        fixture.send(CREATED_LATE, sent.plusSeconds(1));

        // Then the creation found the change: the order is counted as paid
        assertThat(fixture.orderStates().get("2").status()).isEqualTo(OrderStatus.PAID);
        assertThat(fixture.statusCounts()).containsOnly(entry("PAID", 1L));
    }

    @Test
    void aStatusChangeInARecordStampedLongBeforeItsPartitionsRecordsAgesFromTheirTime() {
        // Given a partition whose records have reached day 10, and a status change of an order whose
        // creation has not been read, in a record stamped day 0 (an old CreateTime from some producer)
        Instant streamTime = T0.plus(Duration.ofDays(10));
        fixture.send(CREATED_FIRST, streamTime);
        fixture.send(changed(CREATED_LATE, OrderStatus.PENDING, OrderStatus.PAID, T0.plusSeconds(1)), T0);
        assertThat(fixture.partialOrders().get("2")).isEqualTo(streamTime.toEpochMilli());

        // When a sweep runs before the creation, read just after the change, is processed
        fixture.driver.advanceWallClockTime(PartialOrderPurge.sweepInterval(Duration.ofDays(7)));
        fixture.send(CREATED_LATE, streamTime.plusSeconds(1));

        // Then the creation found the change: the order is counted as paid
        assertThat(fixture.orderStates().get("2").status()).isEqualTo(OrderStatus.PAID);
        assertThat(fixture.statusCounts()).containsOnly(entry("PAID", 1L), entry("PENDING", 1L));
    }

    @Test
    void aStatusChangeStampedFarAheadIsPurgedByItsRecordsTime() {
        // Given a status change, of an order whose creation never arrives, that names an instant
        // thousands of years ahead (a client's clock), in a record stamped now
        Instant farAhead = Instant.parse("9999-01-01T00:00:00Z");
        fixture.send(changed(CREATED_LATE, OrderStatus.PENDING, OrderStatus.PAID, farAhead), T0);

        // When the records' time is a retention past that record
        moveStreamTimeTo(T0.plus(Duration.ofDays(7)).plusSeconds(2));

        // Then it is purged, as any other
        assertThat(fixture.orderStates().get("2")).isNull();
        assertThat(fixture.partialOrders().get("2")).isNull();
    }

    @Test
    void theBackgroundPassReadsAFixedNumberOfStatesPerStepAndStartsOverAfterTheLast() {
        AppSerdes serdes = new AppSerdes(StreamsAppConfig.defaults().stateValueFormat());
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
        KeyValueStore<String, OrderState> states = store(context, StoreNames.ORDER_STATE, serdes.orderState());
        KeyValueStore<String, Long> partials = store(context, StoreNames.PARTIAL_ORDERS, serdes.longs());
        for (long id = 1; id <= 5; id++) {
            states.put(Long.toString(id), state(id, id % 2 == 1));
        }
        PartialOrderPurge purge = new PartialOrderPurge(Duration.ofDays(7), 2);
        purge.init(context);
        context.setCurrentStreamTimeMs(-1);
        assertThat(purge.indexMissedPartialOrders()).as("no stream time yet").isZero();
        context.setCurrentStreamTimeMs(T0.toEpochMilli());

        assertThat(purge.indexMissedPartialOrders()).isEqualTo(2);
        assertThat(keys(partials)).containsExactly("1");
        assertThat(purge.indexMissedPartialOrders()).isEqualTo(2);
        assertThat(keys(partials)).containsExactly("1", "3");
        assertThat(purge.indexMissedPartialOrders()).isEqualTo(1);
        assertThat(keys(partials)).containsExactly("1", "3", "5");

        partials.delete("3");
        assertThat(purge.indexMissedPartialOrders()).isEqualTo(2);
        assertThat(keys(partials)).containsExactly("1", "5");
        assertThat(purge.indexMissedPartialOrders()).isEqualTo(2);
        assertThat(keys(partials)).containsExactly("1", "3", "5");
        assertThat(partials.get("3")).as("indexed at the stream time").isEqualTo(T0.toEpochMilli());
    }

    private static <V> KeyValueStore<String, V> store(MockProcessorContext<Void, Void> context, String name,
                                                      Serde<V> values) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                Serdes.String(), values).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return store;
    }

    /** An order's state: partial (a status change, no creation) or complete. */
    private static OrderState state(long orderId, boolean partial) {
        Instant at = T0.plusSeconds(orderId);
        return new OrderState(orderId, Events.orderNumber(orderId), !partial, OrderStatus.PAID, at, 10,
                Events.email(10), List.of(7L), List.of(), new BigDecimal("5.00"), "KRW", partial ? null : T0, at);
    }

    private static List<String> keys(KeyValueStore<String, Long> store) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, Long> all = store.all()) {
            all.forEachRemaining(entry -> keys.add(entry.key));
        }
        return keys;
    }

    @Test
    void sweepRunsEveryTenthOfTheRetentionWithinBounds() {
        assertThat(PartialOrderPurge.sweepInterval(Duration.ofDays(7))).isEqualTo(Duration.ofMinutes(10));
        assertThat(PartialOrderPurge.sweepInterval(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(3));
        assertThat(PartialOrderPurge.sweepInterval(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(1));
    }

    /**
     * Moves the task's stream time to {@code at} with a status change of an order of its own (partial,
     * so in no statistic), then lets a sweep run.
     */
    private void moveStreamTimeTo(Instant at) {
        EventEnvelope other = created(99, 99, at, List.of(item(99, 1, "1.00")));
        fixture.send(changed(other, OrderStatus.PENDING, OrderStatus.PAID, at));
        fixture.driver.advanceWallClockTime(PartialOrderPurge.sweepInterval(Duration.ofDays(7)));
    }
}
