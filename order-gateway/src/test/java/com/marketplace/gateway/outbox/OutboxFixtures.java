package com.marketplace.gateway.outbox;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderCreated;
import com.marketplace.events.OrderItem;
import com.marketplace.events.OrderStatus;
import com.marketplace.events.OrderStatusChanged;
import com.marketplace.gateway.db.Transactions;
import com.marketplace.gateway.outbox.jdbc.JdbcOutboxRepository;
import com.marketplace.gateway.outbox.jdbc.JdbcOutboxTransactions;
import com.marketplace.gateway.support.TestDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Outbox rows for relay tests, written straight to the table. Event {@code seq} of an order is
 * encoded in its timestamp (base + seq ms) so a consumer can check that an order's events arrived
 * in outbox order: seq 0 is the OrderCreated, later ones are status changes.
 */
final class OutboxFixtures {

    static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");
    private static final JdbcOutboxRepository REPOSITORY = new JdbcOutboxRepository();

    private OutboxFixtures() {
    }

    static Transactions tx() {
        return new Transactions(TestDatabase.dataSource());
    }

    /** The outbox store on the test database, as the gateway wires it. */
    static OutboxTransactions store() {
        return new JdbcOutboxTransactions(tx(), REPOSITORY);
    }

    static EventEnvelope event(long orderId, int seq) {
        Instant at = BASE.plusMillis(seq);
        if (seq == 0) {
            return created(orderId, at);
        }
        return EventEnvelope.of(UUID.randomUUID(), at, new OrderStatusChanged(orderId, "ORD-" + orderId, 1,
                "b@example.com", List.of(7L), OrderStatus.PENDING, OrderStatus.PAID, new BigDecimal("1.00"),
                "KRW", at));
    }

    /** The creation of order {@code orderId}, stamped {@code at}. */
    static EventEnvelope created(long orderId, Instant at) {
        return EventEnvelope.of(UUID.randomUUID(), at, new OrderCreated(orderId, "ORD-" + orderId, 1,
                "b@example.com", List.of(7L), List.of(new OrderItem(10, 7, 1, new BigDecimal("1.00"))),
                new BigDecimal("1.00"), "KRW", OrderStatus.PENDING, at));
    }

    /** Inserts the events in one committed transaction, in list order. */
    static void insert(List<EventEnvelope> events) {
        try {
            tx().inTransaction(conn -> {
                for (EventEnvelope e : events) {
                    REPOSITORY.insert(conn, NewOutboxEvent.from(e));
                }
                return null;
            });
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code rounds} events for each of {@code orders} orders, round by round, committed in chunks. */
    static List<EventEnvelope> insertRounds(long firstOrderId, int orders, int rounds, int chunk) {
        List<EventEnvelope> all = new ArrayList<>();
        List<EventEnvelope> pending = new ArrayList<>();
        for (int seq = 0; seq < rounds; seq++) {
            for (long order = firstOrderId; order < firstOrderId + orders; order++) {
                EventEnvelope e = event(order, seq);
                all.add(e);
                pending.add(e);
                if (pending.size() == chunk) {
                    insert(pending);
                    pending.clear();
                }
            }
        }
        if (!pending.isEmpty()) {
            insert(pending);
        }
        return all;
    }

    static long countByStatus(OutboxStatus status) {
        return TestDatabase.queryLong("SELECT COUNT(*) FROM outbox_events WHERE status = ?", status.name());
    }

    /** How many PENDING rows {@code relayId} holds now: leased to it, or taken by one of its claims. */
    static long heldBy(String relayId) {
        return TestDatabase.queryLong("SELECT COUNT(*) FROM outbox_events WHERE status = 'PENDING' AND claimed_by = ?",
                relayId)
                + TestDatabase.queryLong("SELECT COALESCE(SUM(row_count), 0) FROM outbox_claims WHERE relay_id = ?",
                        relayId);
    }

    static String statusOf(UUID eventId) {
        return column("status", eventId);
    }

    static String column(String column, UUID eventId) {
        try (Connection conn = TestDatabase.dataSource().getConnection();
                PreparedStatement ps = conn.prepareStatement(
                        "SELECT " + column + " FROM outbox_events WHERE event_id = ?")) {
            ps.setString(1, eventId.toString());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
