package com.marketplace.bench.gateway;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderCreated;
import com.marketplace.events.OrderItem;
import com.marketplace.events.OrderStatus;
import com.marketplace.gateway.db.InsertedIds;
import com.marketplace.gateway.db.Transactions;
import com.marketplace.gateway.outbox.NewOutboxEvent;
import com.marketplace.gateway.outbox.jdbc.JdbcOutboxRepository;
import com.zaxxer.hikari.HikariDataSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's create-order transaction written by a plain JDBC client, the baseline of the
 * gateway and commit→ack scenarios: one order row, its two items (one two-row insert, as the
 * gateway writes them) and its outbox row (the {@code OrderCreated} envelope, as the gateway writes
 * it), committed together. The order number is made by the client, so there is no second statement
 * on the order row; the order's id is read as the gateway reads its outbox row's ({@code InsertedIds}).
 */
public final class OrderTransaction {

    private static final String INSERT_ORDER = """
            INSERT INTO orders
                (order_number, buyer_id, buyer_email, currency, status, total_amount, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String INSERT_TWO_ITEMS = """
            INSERT INTO order_items (order_id, product_id, seller_id, quantity, unit_price)
            VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)""";
    private static final BigDecimal TOTAL = new BigDecimal("3099.90");

    private final Transactions tx;
    private final JdbcOutboxRepository outbox = new JdbcOutboxRepository();
    private final AtomicLong sequence = new AtomicLong();
    private final String prefix = "ORD-B-" + Long.toString(System.nanoTime(), 36) + "-";

    /**
     * Transactions on {@code pool} as the gateway runs its own ({@link Transactions#onPool}): waiting for
     * a connection in front of the pool, not inside it, so a baseline with more clients than
     * connections does not pay for the pool's hand-offs where the gateway does not (the commit → Kafka
     * scenario's open loop at 200 a second, which never has more transactions than connections, waits
     * for none), and each round trip bounded as the gateway bounds it.
     */
    public OrderTransaction(HikariDataSource pool) {
        this.tx = Transactions.onPool(pool);
    }

    /** Writes one order with its items and outbox row in one transaction; returns the order id. */
    public long write(long buyer) throws SQLException {
        return tx.inTransaction(conn -> insert(conn, buyer));
    }

    private long insert(Connection conn, long buyer) throws SQLException {
        Instant now = Instant.now();
        Timestamp ts = Timestamp.from(now);
        String number = prefix + sequence.incrementAndGet();
        long id;
        try (PreparedStatement ps = conn.prepareStatement(INSERT_ORDER, Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, number);
            ps.setLong(2, buyer);
            ps.setString(3, "b" + buyer + "@example.com");
            ps.setString(4, "KRW");
            ps.setString(5, OrderStatus.PENDING.name());
            ps.setBigDecimal(6, TOTAL);
            ps.setTimestamp(7, ts);
            ps.setTimestamp(8, ts);
            ps.executeUpdate();
            id = InsertedIds.of(ps);
        }
        List<OrderItem> items = List.of(new OrderItem(10, 7, 2, new BigDecimal("1500.00")),
                new OrderItem(11, 9, 1, new BigDecimal("99.90")));
        try (PreparedStatement ps = conn.prepareStatement(INSERT_TWO_ITEMS)) {
            int p = 1;
            for (OrderItem item : items) {
                ps.setLong(p++, id);
                ps.setLong(p++, item.productId());
                ps.setLong(p++, item.sellerId());
                ps.setInt(p++, item.quantity());
                ps.setBigDecimal(p++, item.unitPrice());
            }
            ps.executeUpdate();
        }
        EventEnvelope envelope = EventEnvelope.of(UUID.randomUUID(), now, new OrderCreated(id, number, buyer,
                "b" + buyer + "@example.com", List.of(7L, 9L), items, TOTAL, "KRW", OrderStatus.PENDING, now));
        outbox.insert(conn, NewOutboxEvent.from(envelope));
        return id;
    }
}
