package com.marketplace.gateway.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderStatus;
import com.marketplace.gateway.db.Transactions;
import com.marketplace.gateway.order.jdbc.JdbcOrderRepository;
import com.marketplace.gateway.order.jdbc.JdbcOrderTransactions;
import com.marketplace.gateway.outbox.NewOutboxEvent;
import com.marketplace.gateway.outbox.jdbc.JdbcOutboxRepository;
import com.marketplace.gateway.support.JdbcOrderTransactionsFactory;
import com.marketplace.gateway.support.TestDatabase;
import com.marketplace.gateway.support.TestOrders;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Order rows and outbox rows are written together or not at all. */
class OrderAtomicityIT {

    @BeforeEach
    void cleanDatabase() {
        TestDatabase.clean();
    }

    @Test
    void failingOutboxInsertLeavesNoOrderAndNoItems() {
        // Given an outbox row that already uses the event id the next create will get
        UUID takenEventId = UUID.randomUUID();
        OrderService service = JdbcOrderTransactionsFactory.service(() -> takenEventId);
        service.create(TestOrders.request(1), null);
        Map<String, Long> before = TestDatabase.rowCounts();

        // When the next create's outbox insert violates the unique event_id
        assertThatThrownBy(() -> service.create(TestOrders.request(2), null))
                .isInstanceOf(StorageException.class);

        // Then neither its order nor its items remain
        assertThat(TestDatabase.rowCounts()).isEqualTo(before);
        assertThat(TestDatabase.queryLong("SELECT COUNT(*) FROM orders WHERE buyer_id = 2")).isZero();
    }

    @Test
    void failingOrderInsertLeavesNoOutboxRow() throws SQLException {
        // Given a transaction that has already written an outbox row
        Transactions transactions = new Transactions(TestDatabase.dataSource());
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Order stored = JdbcOrderTransactionsFactory.service().create(TestOrders.request(1), null).order();
        EventEnvelope event = OrderEvents.created(stored, UUID.randomUUID());
        NewOrder tooLongEmail = new NewOrder(3, "x".repeat(300) + "@example.com", "KRW",
                OrderValidator.validate(TestOrders.request(3)).items());
        Map<String, Long> before = TestDatabase.rowCounts();

        // When the order insert then fails (buyer_email longer than its column)
        assertThatThrownBy(() -> transactions.inTransaction(conn -> {
            new JdbcOutboxRepository().insert(conn, NewOutboxEvent.from(event));
            long orderId = JdbcOrderTransactionsFactory.orderIds().next();
            return new JdbcOrderRepository().insert(conn, orderId, tooLongEmail, now);
        })).isInstanceOf(SQLException.class);

        // Then the outbox row is gone too
        assertThat(TestDatabase.rowCounts()).isEqualTo(before);
        assertThat(TestDatabase.queryLong("SELECT COUNT(*) FROM outbox_events WHERE event_id = ?",
                event.eventId().toString())).isZero();
    }

    @Test
    void failingIdempotencyKeyInsertRollsBackOrderItemsAndOutbox() {
        // Given a stored idempotency key
        JdbcOrderTransactions transactions = JdbcOrderTransactionsFactory.transactions();
        JdbcOrderTransactionsFactory.service().create(TestOrders.request(1), "key-1");
        Map<String, Long> before = TestDatabase.rowCounts();

        // When a transaction writes order, items and outbox, then stores the same key again
        assertThatThrownBy(() -> transactions.inTransaction(store -> {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            Order order = store.insert(JdbcOrderTransactionsFactory.orderIds().next(),
                    OrderValidator.validate(TestOrders.request(2)), now);
            store.appendEvent(OrderEvents.created(order, UUID.randomUUID()));
            store.saveIdempotencyKey(new IdempotencyRecord("key-1", "0".repeat(64), order.orderId(), now));
            return order;
        })).isInstanceOf(DuplicateIdempotencyKeyException.class);

        // Then nothing of it remains
        assertThat(TestDatabase.rowCounts()).isEqualTo(before);
    }

    @Test
    void failingOutboxInsertKeepsTheOldStatus() {
        // Given an order and a service whose next event id is already taken
        UUID takenEventId = UUID.randomUUID();
        OrderService service = JdbcOrderTransactionsFactory.service(() -> takenEventId);
        Order order = service.create(TestOrders.request(1), null).order();
        Map<String, Long> before = TestDatabase.rowCounts();

        // When the status change's outbox insert fails
        assertThatThrownBy(() -> service.changeStatus(order.orderId(), "PAID"))
                .isInstanceOf(StorageException.class);

        // Then the order keeps its status and no event was added
        assertThat(JdbcOrderTransactionsFactory.service().get(order.orderId()).status())
                .isEqualTo(OrderStatus.PENDING);
        assertThat(TestDatabase.rowCounts()).isEqualTo(before);
    }
}
