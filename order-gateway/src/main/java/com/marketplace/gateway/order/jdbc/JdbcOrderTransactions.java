package com.marketplace.gateway.order.jdbc;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderStatus;
import com.marketplace.gateway.db.SqlStates;
import com.marketplace.gateway.db.Transactions;
import com.marketplace.gateway.order.DuplicateIdempotencyKeyException;
import com.marketplace.gateway.order.IdempotencyRecord;
import com.marketplace.gateway.order.NewOrder;
import com.marketplace.gateway.order.Order;
import com.marketplace.gateway.order.OrderStore;
import com.marketplace.gateway.order.OrderTransactions;
import com.marketplace.gateway.order.StorageException;
import com.marketplace.gateway.outbox.JdbcOutboxRepository;
import com.marketplace.gateway.outbox.NewOutboxEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@link OrderTransactions} on JDBC: one {@link Transactions#inTransaction} per unit of work, with
 * the order, idempotency and outbox repositories bound to its connection. SQL failures become
 * {@link StorageException}; a duplicate idempotency key becomes {@link DuplicateIdempotencyKeyException}.
 */
public final class JdbcOrderTransactions implements OrderTransactions {

    private final Transactions transactions;
    private final JdbcOrderRepository orders;
    private final JdbcIdempotencyRepository idempotencyKeys;
    private final JdbcOutboxRepository outbox;

    public JdbcOrderTransactions(Transactions transactions, JdbcOrderRepository orders,
                                 JdbcIdempotencyRepository idempotencyKeys, JdbcOutboxRepository outbox) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.orders = Objects.requireNonNull(orders, "orders");
        this.idempotencyKeys = Objects.requireNonNull(idempotencyKeys, "idempotencyKeys");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
    }

    @Override
    public <T> T inTransaction(Function<OrderStore, T> work) {
        try {
            return transactions.inTransaction(conn -> work.apply(new ConnectionOrderStore(conn)));
        } catch (SQLException e) {
            throw new StorageException("database transaction failed (SQLState " + e.getSQLState() + ")", e);
        }
    }

    /** Runs one JDBC call, turning its checked failure into a {@link StorageException}. */
    @FunctionalInterface
    private interface SqlCall<T> {
        T call() throws SQLException;
    }

    private static <T> T run(String what, SqlCall<T> call) {
        try {
            return call.call();
        } catch (SQLException e) {
            throw new StorageException(what + " failed (SQLState " + e.getSQLState() + ")", e);
        }
    }

    private final class ConnectionOrderStore implements OrderStore {

        private final Connection conn;

        ConnectionOrderStore(Connection conn) {
            this.conn = conn;
        }

        @Override
        public Order insert(NewOrder order, Instant now) {
            return run("order insert", () -> orders.insert(conn, order, now));
        }

        @Override
        public Optional<Order> find(long orderId) {
            return run("order read", () -> orders.find(conn, orderId));
        }

        @Override
        public Optional<Order> findForUpdate(long orderId) {
            return run("order lock", () -> orders.findForUpdate(conn, orderId));
        }

        @Override
        public void updateStatus(long orderId, OrderStatus status, Instant now) {
            run("order status update", () -> {
                orders.updateStatus(conn, orderId, status, now);
                return null;
            });
        }

        @Override
        public void appendEvent(EventEnvelope event) {
            run("outbox insert", () -> {
                outbox.insert(conn, NewOutboxEvent.from(event));
                return null;
            });
        }

        @Override
        public Optional<IdempotencyRecord> findIdempotencyKey(String key) {
            return run("idempotency key read", () -> idempotencyKeys.find(conn, key));
        }

        @Override
        public void saveIdempotencyKey(IdempotencyRecord record) {
            try {
                idempotencyKeys.insert(conn, record);
            } catch (SQLException e) {
                if (SqlStates.isIntegrityViolation(e)) {
                    throw new DuplicateIdempotencyKeyException(record.key(), e);
                }
                throw new StorageException("idempotency key insert failed (SQLState " + e.getSQLState() + ")", e);
            }
        }
    }
}
