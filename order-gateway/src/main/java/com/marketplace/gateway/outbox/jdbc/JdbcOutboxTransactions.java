package com.marketplace.gateway.outbox.jdbc;

import com.marketplace.gateway.db.CommitUnknownException;
import com.marketplace.gateway.db.SqlCall;
import com.marketplace.gateway.db.Transactions;
import com.marketplace.gateway.outbox.FailedOutboxEvent;
import com.marketplace.gateway.outbox.OutboxCommitUnknownException;
import com.marketplace.gateway.outbox.OutboxCounts;
import com.marketplace.gateway.outbox.OutboxRow;
import com.marketplace.gateway.outbox.OutboxStatus;
import com.marketplace.gateway.outbox.OutboxStorageException;
import com.marketplace.gateway.outbox.OutboxStore;
import com.marketplace.gateway.outbox.OutboxTransactions;
import com.marketplace.gateway.upkeep.CleanupPage;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * {@link OutboxTransactions} on JDBC: one {@link Transactions#inTransaction} per unit of work, with
 * the {@link JdbcOutboxRepository} bound to its connection. SQL failures become
 * {@link OutboxStorageException}.
 */
public final class JdbcOutboxTransactions implements OutboxTransactions {

    private final Transactions transactions;
    private final JdbcOutboxRepository outbox;

    public JdbcOutboxTransactions(Transactions transactions, JdbcOutboxRepository outbox) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
    }

    @Override
    public <T> T inTransaction(Function<OutboxStore, T> work) {
        try {
            return transactions.inTransaction(conn -> work.apply(new ConnectionOutboxStore(conn)));
        } catch (CommitUnknownException e) {
            throw new OutboxCommitUnknownException("the database did not confirm the outbox transaction's commit"
                    + " (SQLState " + e.getSQLState() + "): " + e.getMessage(), e);
        } catch (SQLException e) {
            throw failure("outbox transaction", e);
        }
    }

    /** Runs one JDBC call, turning its checked failure into an {@link OutboxStorageException}. */
    private static <T> T run(String what, SqlCall<T> call) {
        return SqlCall.run(what, call, JdbcOutboxTransactions::failure);
    }

    /** Keeps the driver's message: the relay and the upkeep log only this exception's text. */
    private static OutboxStorageException failure(String what, SQLException e) {
        return new OutboxStorageException(what + " failed (SQLState " + e.getSQLState() + "): " + e.getMessage(), e);
    }

    private final class ConnectionOutboxStore implements OutboxStore {

        private final Connection conn;

        ConnectionOutboxStore(Connection conn) {
            this.conn = conn;
        }

        @Override
        public List<OutboxRow> claim(String relayId, Instant now, Instant leaseUntil, int limit) {
            return run("outbox claim", () -> outbox.claim(conn, relayId, now, leaseUntil, limit));
        }

        @Override
        public boolean endClaim(String relayId, long claimId) {
            return run("outbox claim end", () -> outbox.endClaim(conn, relayId, claimId));
        }

        @Override
        public void lockRows(Collection<Long> ids) {
            run("outbox lock", () -> {
                outbox.lockRows(conn, ids);
                return null;
            });
        }

        @Override
        public int markProcessed(String relayId, Collection<OutboxRow> rows, Instant now) {
            return run("outbox mark", () -> outbox.markProcessed(conn, relayId, rows, now));
        }

        @Override
        public boolean recordFailure(String relayId, OutboxRow row, OutboxStatus newStatus, Instant nextAttemptAt,
                String error, boolean counts) {
            return run("outbox failure update",
                    () -> outbox.recordFailure(conn, relayId, row, newStatus, nextAttemptAt, error, counts));
        }

        @Override
        public int release(String relayId, Collection<OutboxRow> rows) {
            return run("outbox release", () -> outbox.release(conn, relayId, rows));
        }

        @Override
        public int renewLease(String relayId, Collection<Long> ids, Instant leaseUntil) {
            return run("outbox lease renewal", () -> outbox.renewLease(conn, relayId, ids, leaseUntil));
        }

        @Override
        public Set<Long> heldBy(String relayId, Collection<Long> ids) {
            return run("outbox lease read", () -> outbox.heldBy(conn, relayId, ids));
        }

        @Override
        public int renewClaims(String relayId, Collection<Long> claimIds, Instant leaseUntil) {
            return run("outbox claim renewal", () -> outbox.renewClaims(conn, relayId, claimIds, leaseUntil));
        }

        @Override
        public Set<Long> claimsHeldBy(String relayId, Collection<Long> claimIds) {
            return run("outbox claim read", () -> outbox.claimsHeldBy(conn, relayId, claimIds));
        }

        @Override
        public CleanupPage deleteProcessedBefore(Instant cutoff, long afterId, int window) {
            return run("outbox cleanup", () -> outbox.deleteProcessedBefore(conn, cutoff, afterId, window));
        }

        @Override
        public boolean acquireLease(String name, String owner, Instant now, Instant until) {
            return run("outbox lease " + name, () -> outbox.acquireLease(conn, name, owner, now, until));
        }

        @Override
        public OutboxCounts counts() {
            return run("outbox backlog count", () -> outbox.counts(conn));
        }

        @Override
        public List<FailedOutboxEvent> findFailed(int limit) {
            return run("listing FAILED outbox events", () -> outbox.findFailed(conn, limit));
        }

        @Override
        public boolean retryFailed(UUID eventId) {
            return run("requeueing outbox event", () -> outbox.retryFailed(conn, eventId));
        }

        @Override
        public Optional<OutboxStatus> statusOf(UUID eventId) {
            return run("outbox status read", () -> outbox.statusOf(conn, eventId));
        }
    }
}
