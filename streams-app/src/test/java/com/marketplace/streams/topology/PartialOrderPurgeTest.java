package com.marketplace.streams.topology;

import static com.marketplace.streams.topology.Events.T0;
import static com.marketplace.streams.topology.Events.changed;
import static com.marketplace.streams.topology.Events.created;
import static com.marketplace.streams.topology.Events.item;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PartialOrderPurgeTest {

    private final TopologyFixture fixture = new TopologyFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void orderWhoseCreationNeverArrivesIsPurgedAfterTheRetentionAndNoStatisticChanges() {
        // Given a complete order and an order of which only a status change arrived
        EventEnvelope complete = created(1, 10, T0, List.of(item(7, 2, "10.00")));
        EventEnvelope neverArrives = created(2, 11, T0, List.of(item(7, 1, "5.00")));
        fixture.send(complete);
        fixture.send(changed(neverArrives, OrderStatus.PENDING, OrderStatus.PAID, T0.plusSeconds(1)));
        assertThat(fixture.orderStates().get("2")).isNotNull();

        // When less than the default retention (7 days) has passed, the partial order is kept
        fixture.driver.advanceWallClockTime(Duration.ofDays(6));
        assertThat(fixture.orderStates().get("2")).isNotNull();

        // Then after the retention and one sweep it is gone, and the complete order and statistics are untouched
        fixture.driver.advanceWallClockTime(Duration.ofDays(1).plusMinutes(11));
        assertThat(fixture.orderStates().get("2")).isNull();
        assertThat(fixture.orderStates().get("1")).isNotNull();
        assertThat(fixture.statusCounts()).containsOnly(entry("PENDING", 1L));
        assertThat(fixture.sellerStats().get(7L).orders()).isEqualTo(1);
    }

    @Test
    void thePartialOrdersStoreHoldsAnOrderOnlyUntilItsCreationArrives() {
        EventEnvelope createdFirst = created(1, 10, T0, List.of(item(7, 2, "10.00")));
        EventEnvelope createdLate = created(2, 11, T0, List.of(item(7, 1, "5.00")));
        fixture.send(createdFirst);
        fixture.send(changed(createdFirst, OrderStatus.PENDING, OrderStatus.PAID, T0.plusSeconds(1)));
        fixture.send(changed(createdLate, OrderStatus.PENDING, OrderStatus.PAID, T0.plusSeconds(2)));
        fixture.send(changed(createdLate, OrderStatus.PAID, OrderStatus.SHIPPED, T0.plusSeconds(3)));

        assertThat(fixture.partialOrders().get("1")).isNull();
        assertThat(fixture.partialOrders().get("2")).isEqualTo(T0.plusSeconds(3).toEpochMilli());

        fixture.send(createdLate);
        assertThat(fixture.partialOrders().get("2")).isNull();
        assertThat(fixture.orderStates().get("2").status()).isEqualTo(OrderStatus.SHIPPED);
    }

    @Test
    void partialOrdersStoredWithoutTheIndexAreIndexedOnceThenTheSweepReadsOnlyTheIndex() {
        // Given a partial order in a store written before the index existed (its entry removed here)
        EventEnvelope old = created(2, 11, T0, List.of(item(7, 1, "5.00")));
        fixture.send(changed(old, OrderStatus.PENDING, OrderStatus.PAID, T0.plusSeconds(1)));
        fixture.partialOrders().delete("2");

        // When the first sweep runs, it finds it among the order states and indexes it
        fixture.driver.advanceWallClockTime(Duration.ofMinutes(11));
        assertThat(fixture.partialOrders().get("2")).isEqualTo(T0.plusSeconds(1).toEpochMilli());
        assertThat(fixture.partialOrders().get(PartialOrders.INDEX_BUILT)).isNotNull();

        // and from then on the sweeps read the index alone: a partial order missing from it stays
        EventEnvelope unindexed = created(3, 12, T0, List.of(item(7, 1, "5.00")));
        fixture.send(changed(unindexed, OrderStatus.PENDING, OrderStatus.PAID, T0.plusSeconds(2)));
        fixture.partialOrders().delete("3");
        fixture.driver.advanceWallClockTime(Duration.ofDays(7).plusMinutes(11));

        assertThat(fixture.orderStates().get("2")).isNull();
        assertThat(fixture.partialOrders().get("2")).isNull();
        assertThat(fixture.orderStates().get("3")).isNotNull();
    }

    @Test
    void sweepRunsEveryTenthOfTheRetentionWithinBounds() {
        assertThat(PartialOrderPurge.sweepInterval(Duration.ofDays(7))).isEqualTo(Duration.ofMinutes(10));
        assertThat(PartialOrderPurge.sweepInterval(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(3));
        assertThat(PartialOrderPurge.sweepInterval(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(1));
    }
}
