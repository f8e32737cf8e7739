package com.marketplace.gateway.order.jdbc;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.EventType;
import com.marketplace.events.OrderStatus;
import com.marketplace.gateway.db.CommitUnknownException;
import com.marketplace.gateway.db.SqlCall;
import com.marketplace.gateway.db.SqlStates;
import com.marketplace.gateway.db.Transactions;
import com.marketplace.gateway.order.CommitNotConfirmedException;
import com.marketplace.gateway.order.DuplicateIdempotencyKeyException;
import com.marketplace.gateway.order.IdempotencyRecord;
import com.marketplace.gateway.order.NewOrder;
import com.marketplace.gateway.order.Order;
import com.marketplace.gateway.order.OrderIdTakenException;
import com.marketplace.gateway.order.OrderStore;
import com.marketplace.gateway.order.OrderTransactions;
import com.marketplace.gateway.order.StorageException;
import com.marketplace.gateway.outbox.NewOutboxEvent;
import com.marketplace.gateway.outbox.OutboxHandoff;
import com.marketplace.gateway.outbox.OutboxRow;
import com.marketplace.gateway.outbox.jdbc.JdbcOutboxRepository;
import com.marketplace.gateway.upkeep.CleanupPage;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link OrderTransactions} on JDBC: one {@link Transactions#inTransaction} per unit of work, with
 * the order, idempotency and outbox repositories bound to its connection; a unit the database rolls
 * back to break a deadlock is run again. SQL failures become {@link StorageException}; a duplicate
 * idempotency key becomes {@link DuplicateIdempotencyKeyException}, an order id in use
 * {@link OrderIdTakenException}.
 *
 * <p>Outbox rows that no earlier unfinished event of their order precedes are written leased to
 * this instance's relay and handed to it after the commit ({@link OutboxHandoff}), unless the
 * commit came too late for the relay to keep their leases ({@link OutboxHandoff#canHandOver}); an
 * order's first event always qualifies. The others are left to the relay's claim rounds.
 */
public final class JdbcOrderTransactions implements OrderTransactions {

    /** Tries of a unit of work that the database rolls back to break a deadlock, the first one included. */
    static final int MAX_DEADLOCK_ATTEMPTS = 3;

    private static final Logger log = LoggerFactory.getLogger(JdbcOrderTransactions.class);

    private final Transactions transactions;
    private final JdbcOrderRepository orders;
    private final JdbcIdempotencyRepository idempotencyKeys;
    private final JdbcOutboxRepository outbox;
    private final OutboxHandoff handoff;

    public JdbcOrderTransactions(Transactions transactions, JdbcOrderRepository orders,
                                 JdbcIdempotencyRepository idempotencyKeys, JdbcOutboxRepository outbox,
                                 OutboxHandoff handoff) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.orders = Objects.requireNonNull(orders, "orders");
        this.idempotencyKeys = Objects.requireNonNull(idempotencyKeys, "idempotencyKeys");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.handoff = Objects.requireNonNull(handoff, "handoff");
    }

    /**
     * Runs {@code work} in a transaction, and again, up to {@link #MAX_DEADLOCK_ATTEMPTS} times in
     * all, when the database rolled it back whole to break a deadlock ({@link SqlStates#isDeadlock}).
     * InnoDB picks such a victim when transactions wait for each other's locks: three requests
     * racing with one {@code Idempotency-Key}, the first of which rolls back, leave the other two
     * each holding a shared lock on the key and waiting for the other's to insert it. Nothing of the
     * victim's attempt remains, so it starts over at once (its lock requests queue behind the
     * survivor's, which has them now) and meets what the survivor committed: the key's order, for
     * the replay. {@code work} must be safe to run again; the order use cases' units are.
     */
    @Override
    public <T> T inTransaction(Function<OrderStore, T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return attempt(work);
            } catch (StorageException e) {
                if (attempt == MAX_DEADLOCK_ATTEMPTS || e instanceof CommitNotConfirmedException
                        || !SqlStates.isDeadlock(e)) {
                    throw e;
                }
                log.debug("Transaction rolled back to break a deadlock (attempt {} of {}); running it again",
                        attempt, MAX_DEADLOCK_ATTEMPTS);
            }
        }
    }

    private <T> T attempt(Function<OrderStore, T> work) {
        List<OutboxRow> leased = new ArrayList<>();
        List<OutboxHandoff.Lease> leases = new ArrayList<>();
        Set<String> unleased = new HashSet<>();
        T result;
        try {
            result = transactions.inTransaction(conn -> {
                leased.clear();
                leases.clear();
                unleased.clear();
                return work.apply(new ConnectionOrderStore(conn, leased, leases, unleased));
            });
        } catch (CommitUnknownException e) {
            // the rows may have been written; leased ones go to any relay's claim once their lease ends
            throw new CommitNotConfirmedException("the database did not confirm the commit (SQLState "
                    + e.getSQLState() + ")", e);
        } catch (SQLException e) {
            throw new StorageException("database transaction failed (SQLState " + e.getSQLState() + ")", e);
        }
        if (!leases.stream().allMatch(handoff::canHandOver)) {
            // committed too late for the relay to keep the leases: its claim rounds take the rows instead
            leased.forEach(row -> unleased.add(row.aggregateId()));
            leased.clear();
        }
        if (!leased.isEmpty() || !unleased.isEmpty()) {
            handoff.committed(List.copyOf(leased), Set.copyOf(unleased));
        }
        return result;
    }

    /** Runs one JDBC call, turning its checked failure into a {@link StorageException}. */
    private static <T> T run(String what, SqlCall<T> call) {
        return SqlCall.run(what, call,
                (failed, e) -> new StorageException(failed + " failed (SQLState " + e.getSQLState() + ")", e));
    }

    private final class ConnectionOrderStore implements OrderStore {

        private final Connection conn;
        private final List<OutboxRow> leased;
        private final List<OutboxHandoff.Lease> leases;
        private final Set<String> unleased;

        ConnectionOrderStore(Connection conn, List<OutboxRow> leased, List<OutboxHandoff.Lease> leases,
                             Set<String> unleased) {
            this.conn = conn;
            this.leased = leased;
            this.leases = leases;
            this.unleased = unleased;
        }

        @Override
        public Order insert(long orderId, NewOrder order, Instant now) {
            return run("order insert", () -> orders.insert(conn, orderId, order, now))
                    .orElseThrow(() -> new OrderIdTakenException(orderId, null));
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
        public boolean hasEvent(long orderId, UUID eventId) {
            return run("outbox read", () -> outbox.hasEvent(conn, EventEnvelope.AGGREGATE_TYPE_ORDER,
                    Long.toString(orderId), eventId));
        }

        @Override
        public void appendEvent(EventEnvelope event) {
            run("outbox insert", () -> {
                NewOutboxEvent row = NewOutboxEvent.from(event);
                Optional<OutboxHandoff.Lease> lease = headOfOrder(row) ? handoff.lease() : Optional.empty();
                long id = outbox.insert(conn, row, lease.orElse(null));
                if (lease.isPresent()) {
                    leased.add(row.asRow(id));
                    leases.add(lease.get());
                } else {
                    unleased.add(row.aggregateId());
                }
                return null;
            });
        }

        /**
         * Whether no earlier event of the row's order is unfinished, so it may leave at once. An
         * order's earlier events were written under the order's row lock, which this transaction
         * holds, so none can appear after the check. Once handed over, the row is its order's
         * unfinished event, and later events of the order wait for it in the claim rounds.
         */
        private boolean headOfOrder(NewOutboxEvent row) throws SQLException {
            return EventType.ORDER_CREATED.wireName().equals(row.eventType())
                    || !outbox.hasUnfinished(conn, row.aggregateType(), row.aggregateId());
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

        @Override
        public CleanupPage deleteIdempotencyKeysBefore(Instant cutoff, long afterOrderId, int window) {
            return run("idempotency key expiry",
                    () -> idempotencyKeys.deleteBefore(conn, cutoff, afterOrderId, window));
        }
    }
}
