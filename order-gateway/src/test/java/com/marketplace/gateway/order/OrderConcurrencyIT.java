package com.marketplace.gateway.order;

import static org.assertj.core.api.Assertions.assertThat;

import com.marketplace.events.EventCodec;
import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderStatusChanged;
import com.marketplace.gateway.support.Concurrently;
import com.marketplace.gateway.support.JdbcOrderTransactionsFactory;
import com.marketplace.gateway.support.TestDatabase;
import com.marketplace.gateway.support.TestOrders;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Many writers at once: no lost or duplicated orders, events or status changes. */
class OrderConcurrencyIT {

    private static final int THREADS = 8;
    private static final int CREATES_PER_THREAD = 250;

    private final OrderService service = JdbcOrderTransactionsFactory.service();

    @BeforeEach
    void cleanDatabase() {
        TestDatabase.clean();
    }

    @Test
    void concurrentCreatesStoreEveryOrderWithExactlyOneEventAndUniqueNumbers() {
        List<List<Long>> ids = Concurrently.run(THREADS, thread -> () -> {
            List<Long> created = new ArrayList<>();
            for (int i = 0; i < CREATES_PER_THREAD; i++) {
                created.add(service.create(TestOrders.request(thread * 1000L + i + 1), null).order().orderId());
            }
            return created;
        });

        int expected = THREADS * CREATES_PER_THREAD;
        assertThat(ids.stream().flatMap(List::stream).distinct().count()).isEqualTo(expected);
        assertThat(TestDatabase.count("orders")).isEqualTo(expected);
        assertThat(TestDatabase.count("order_items")).isEqualTo(2L * expected);
        assertThat(TestDatabase.queryLong("SELECT COUNT(*) FROM outbox_events WHERE event_type = 'OrderCreated'"))
                .isEqualTo(expected);
        assertThat(TestDatabase.queryLong("SELECT COUNT(DISTINCT aggregate_id) FROM outbox_events"))
                .isEqualTo(expected);
        assertThat(TestDatabase.queryLong("SELECT COUNT(DISTINCT order_number) FROM orders")).isEqualTo(expected);
        assertThat(TestDatabase.queryLong("SELECT COUNT(*) FROM orders WHERE order_number NOT LIKE 'ORD-%'"))
                .isZero();
    }

    @Test
    void racingSameStatusChangeLetsExactlyOneSucceedWithOneEvent() {
        int orders = 10;
        for (int round = 0; round < orders; round++) {
            long orderId = service.create(TestOrders.request(round + 1), null).order().orderId();

            List<StatusChangeResult> results = Concurrently.run(THREADS,
                    thread -> () -> service.changeStatus(orderId, "PAID"));

            assertThat(results).filteredOn(StatusChangeResult::changed).hasSize(1);
            assertThat(results).allSatisfy(r -> assertThat(r.order().status().name()).isEqualTo("PAID"));
            assertThat(TestDatabase.queryLong(
                    "SELECT COUNT(*) FROM outbox_events WHERE event_type = 'OrderStatusChanged' AND aggregate_id = ?",
                    Long.toString(orderId))).isEqualTo(1);
        }
        for (String payload : TestDatabase.outboxPayloads("OrderStatusChanged")) {
            EventEnvelope envelope = EventCodec.INSTANCE.decodeEnvelope(payload);
            OrderStatusChanged change = (OrderStatusChanged) envelope.payload();
            assertThat(change.previousStatus().name()).isEqualTo("PENDING");
            assertThat(change.status().name()).isEqualTo("PAID");
        }
    }

    @Test
    void racingConflictingStatusChangesNeverBothApplyFromTheSameState() {
        // PAID -> SHIPPED and PAID -> CANCELLED are both legal, but only the first can apply:
        // SHIPPED -> CANCELLED and CANCELLED -> SHIPPED are illegal, so every later request is a
        // conflict (other target) or a no-op (same target).
        long orderId = service.create(TestOrders.request(1), null).order().orderId();
        service.changeStatus(orderId, "PAID");

        List<String> outcomes = Concurrently.run(THREADS, thread -> () -> {
            String target = thread % 2 == 0 ? "CANCELLED" : "SHIPPED";
            try {
                return service.changeStatus(orderId, target).changed() ? "changed" : "no-op";
            } catch (IllegalStatusTransitionException e) {
                return "conflict";
            }
        });

        assertThat(outcomes).filteredOn("changed"::equals).hasSize(1);
        assertThat(TestDatabase.queryLong(
                "SELECT COUNT(*) FROM outbox_events WHERE event_type = 'OrderStatusChanged'")).isEqualTo(2);
    }
}
