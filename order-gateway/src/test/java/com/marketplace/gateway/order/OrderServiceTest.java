package com.marketplace.gateway.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marketplace.events.EventType;
import com.marketplace.events.OrderCreated;
import com.marketplace.events.OrderStatus;
import com.marketplace.events.OrderStatusChanged;
import com.marketplace.gateway.support.TestOrders;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The service's rules on an in-memory store: status machine, events, idempotency, notifications. */
class OrderServiceTest {

    private static final Instant NOW = Instant.parse("2026-11-25T10:15:30.123456Z");

    private final InMemoryOrderTransactions store = new InMemoryOrderTransactions();
    private final AtomicInteger notifications = new AtomicInteger();
    private final List<String> counted = new ArrayList<>();
    private final OrderService service = new OrderService(store, store, notifications::incrementAndGet,
            new OrderMetrics() {
                @Override
                public void orderCreated() {
                    counted.add("created");
                }

                @Override
                public void statusChanged(OrderStatus from, OrderStatus to) {
                    counted.add(from + "->" + to);
                }
            }, Clock.fixed(NOW, ZoneOffset.UTC), UUID::randomUUID);

    @Test
    void createWritesOneOrderCreatedEventWithDistinctAscendingSellers() {
        Order order = service.create(TestOrders.request(1), null).order();

        assertThat(order.orderNumber()).isEqualTo("ORD-20261125-0000000001");
        assertThat(store.events).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(EventType.ORDER_CREATED);
            OrderCreated payload = (OrderCreated) event.payload();
            assertThat(payload.sellerIds()).containsExactly(3L, 7L);
            assertThat(payload.totalAmount()).isEqualByComparingTo("3099.99");
            assertThat(event.occurredAt()).isEqualTo(NOW);
        });
        assertThat(notifications).hasValue(1);
        assertThat(counted).containsExactly("created");
    }

    @Test
    void createRetriesWithAnotherIdWhenItsIdIsTaken() {
        Order first = service.create(TestOrders.request(1), null).order();
        store.nextId = first.orderId();

        Order second = service.create(TestOrders.request(2), "key-2").order();

        assertThat(second.orderId()).isEqualTo(first.orderId() + 1);
        assertThat(store.takenIds).containsExactly(first.orderId());
        assertThat(store.orders.get(first.orderId()).buyerId()).isEqualTo(1);
        assertThat(store.events).hasSize(2);
        assertThat(store.keys.get("key-2").orderId()).isEqualTo(second.orderId());
        assertThat(notifications).hasValue(2);
        assertThat(counted).containsExactly("created", "created");
    }

    @Test
    void createGivesUpWhenEveryIdItGetsIsTaken() {
        OrderIds alwaysTheFirst = new OrderIds() {
            @Override
            public long next() {
                return 1;
            }

            @Override
            public void taken(long orderId) {
                store.takenIds.add(orderId);
            }
        };
        OrderService stuck = new OrderService(store, alwaysTheFirst, notifications::incrementAndGet,
                OrderMetrics.NONE, Clock.fixed(NOW, ZoneOffset.UTC), UUID::randomUUID);
        stuck.create(TestOrders.request(1), null);

        assertThatThrownBy(() -> stuck.create(TestOrders.request(2), null))
                .isInstanceOf(StorageException.class)
                .hasCauseInstanceOf(OrderIdTakenException.class);
        assertThat(store.takenIds).hasSize(OrderService.MAX_ID_ATTEMPTS);
        assertThat(store.orders).hasSize(1);
        assertThat(store.events).hasSize(1);
        assertThat(notifications).hasValue(1);
    }

    @ParameterizedTest
    @EnumSource(OrderStatus.class)
    void everyTransitionFollowsOrderStatusCanTransitionTo(OrderStatus from) {
        for (OrderStatus to : OrderStatus.values()) {
            InMemoryOrderTransactions fresh = new InMemoryOrderTransactions();
            OrderService svc = new OrderService(fresh, fresh, () -> { }, OrderMetrics.NONE,
                    Clock.fixed(NOW, ZoneOffset.UTC), UUID::randomUUID);
            long id = svc.create(TestOrders.request(1), null).order().orderId();
            fresh.updateStatus(id, from, NOW);
            int eventsBefore = fresh.events.size();

            if (from == to) {
                assertThat(svc.changeStatus(id, to.name()).changed()).isFalse();
                assertThat(fresh.events).hasSize(eventsBefore);
            } else if (from.canTransitionTo(to)) {
                assertThat(svc.changeStatus(id, to.name()).order().status()).isEqualTo(to);
                OrderStatusChanged change = (OrderStatusChanged) fresh.events.get(eventsBefore).payload();
                assertThat(change.previousStatus()).isEqualTo(from);
                assertThat(change.status()).isEqualTo(to);
            } else {
                assertThatThrownBy(() -> svc.changeStatus(id, to.name()))
                        .isInstanceOf(IllegalStatusTransitionException.class);
                assertThat(fresh.events).hasSize(eventsBefore);
                assertThat(fresh.orders.get(id).status()).isEqualTo(from);
            }
        }
    }

    @Test
    void sameStatusIsANoOpWithoutEventNotificationOrCount() {
        long id = service.create(TestOrders.request(1), null).order().orderId();

        StatusChangeResult result = service.changeStatus(id, "PENDING");

        assertThat(result.changed()).isFalse();
        assertThat(store.events).hasSize(1);
        assertThat(notifications).hasValue(1);
        assertThat(counted).containsExactly("created");
    }

    @Test
    void realChangeNotifiesAndCounts() {
        long id = service.create(TestOrders.request(1), null).order().orderId();

        service.changeStatus(id, "PAID");

        assertThat(notifications).hasValue(2);
        assertThat(counted).containsExactly("created", "PENDING->PAID");
    }

    @Test
    void aStatusChangeIsStampedAfterTheOrdersLastUpdateEvenWhenThisGatewaysClockIsBehind() {
        long id = service.create(TestOrders.request(1), null).order().orderId();
        // the order was last updated by a gateway whose clock runs two seconds ahead of this one's
        Instant aheadOfUs = NOW.plusSeconds(2);
        store.updateStatus(id, OrderStatus.PAID, aheadOfUs);

        Order shipped = service.changeStatus(id, "SHIPPED").order();
        Order delivered = service.changeStatus(id, "DELIVERED").order();

        assertThat(shipped.updatedAt()).isEqualTo(aheadOfUs.plusNanos(1_000));
        assertThat(delivered.updatedAt()).isEqualTo(aheadOfUs.plusNanos(2_000));
        assertThat(store.events).extracting(e -> e.payload()).filteredOn(OrderStatusChanged.class::isInstance)
                .extracting(p -> ((OrderStatusChanged) p).changedAt())
                .containsExactly(aheadOfUs.plusNanos(1_000), aheadOfUs.plusNanos(2_000));
    }

    @Test
    void aStatusChangeIsStampedWithThisGatewaysClockWhenTheOrderWasUpdatedEarlier() {
        long id = service.create(TestOrders.request(1), null).order().orderId();
        store.updateStatus(id, OrderStatus.PENDING, NOW.minusSeconds(60));

        assertThat(service.changeStatus(id, "PAID").order().updatedAt()).isEqualTo(NOW);
    }

    @Test
    void unknownOrderAndUnknownStatusAreRejected() {
        assertThatThrownBy(() -> service.changeStatus(99, "PAID")).isInstanceOf(OrderNotFoundException.class);
        assertThatThrownBy(() -> service.get(99)).isInstanceOf(OrderNotFoundException.class);
        long id = service.create(TestOrders.request(1), null).order().orderId();
        assertThatThrownBy(() -> service.changeStatus(id, "SHIPPING")).isInstanceOf(ValidationException.class);
    }

    @Test
    void sameKeySameRequestReplaysAndDifferentRequestIsRejected() {
        CreateOrderResult first = service.create(TestOrders.request(1), "key");
        CreateOrderResult again = service.create(TestOrders.request(1), "key");

        assertThat(again.replayed()).isTrue();
        assertThat(again.order()).isEqualTo(first.order());
        assertThat(store.orders).hasSize(1);
        assertThat(store.events).hasSize(1);
        assertThatThrownBy(() -> service.create(TestOrders.request(2), "key"))
                .isInstanceOf(IdempotencyKeyReuseException.class);
        assertThat(notifications).hasValue(1);
    }
}
