package com.marketplace.gateway.db;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one transaction helper: runs a callback on a pooled connection with autocommit off, commits
 * when it returns, rolls back when it throws anything and returns the connection in all cases. The
 * gateway's pool ({@link DataSources}) hands out connections without autocommit, so nothing is
 * switched; a connection that comes with autocommit on is switched off for the transaction and back
 * on after it. The callback's exception is rethrown unchanged; a failure of the
 * rollback itself is attached to it as suppressed.
 *
 * <p>On the gateway's pool ({@link #onPool}) at most as many transactions run at a time as the pool
 * has connections; the others wait here, on a semaphore, instead of inside the pool. When more
 * threads want a connection than the pool has (32 request threads on the default 20 connections),
 * HikariCP makes every thread that returns a connection spin on {@code Thread.yield} until a waiting
 * thread takes it over, and every waiting thread wakes the pool's connection-adder thread, which
 * finds the pool full and goes back to sleep. The semaphore's release wakes one waiter, and an
 * admitted transaction finds a free connection (unless the readiness check, which takes its
 * connection from the data source directly, holds one). In the gateway benchmark this took the
 * gateway's CPU per order at 32 client connections from 321–325 to 291–305 µs, and at 64 from
 * 346–404 to 303–314 µs (docs/benchmarks/pipeline-tuning.md, "nineteenth"). The semaphore is
 * fair: places go to the waiting transactions in the order they came, so none waits out its 3 s
 * while later ones pass it; against an unfair one it cost no measurable CPU and at 64 client
 * connections gave a lower p99 (74 against 97 ms).
 *
 * <p>On the gateway's pool every round trip of a transaction is also bounded
 * ({@link DataSources#STATEMENT_TIMEOUT}, the connection's network timeout): a database that stops
 * answering without closing its connections (a paused process, a network that drops packets) fails
 * the transaction within that time instead of holding its thread until the operating system gives
 * up on the socket, some fifteen minutes later. The driver closes a connection whose read timed
 * out, and the pool replaces it.
 */
public final class Transactions {

    private static final Logger log = LoggerFactory.getLogger(Transactions.class);

    private final DataSource dataSource;
    private final Semaphore admission;
    private final long maxWaitNanos;
    /** Bound of each round trip of a transaction, in ms; 0 leaves the connection's own setting. */
    private final int roundTripTimeoutMillis;

    /** Transactions on {@code dataSource}, as many at a time as it hands out connections. */
    public Transactions(DataSource dataSource) {
        this(dataSource, null, Duration.ZERO, Duration.ZERO);
    }

    private Transactions(DataSource dataSource, Semaphore admission, Duration maxWait, Duration roundTripTimeout) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.admission = admission;
        this.maxWaitNanos = maxWait.toNanos();
        this.roundTripTimeoutMillis = Math.toIntExact(roundTripTimeout.toMillis());
    }

    /**
     * Transactions on {@code dataSource}, at most {@code atATime} at once; a transaction that is not
     * admitted within {@code maxWait} fails with {@link SQLTransientConnectionException}, as one that
     * finds no free connection in the pool does.
     */
    public static Transactions admitting(DataSource dataSource, int atATime, Duration maxWait) {
        return admitting(dataSource, atATime, maxWait, Duration.ZERO);
    }

    private static Transactions admitting(DataSource dataSource, int atATime, Duration maxWait,
                                          Duration roundTripTimeout) {
        if (atATime < 1) {
            throw new IllegalArgumentException("atATime must be at least 1, was " + atATime);
        }
        return new Transactions(dataSource, new Semaphore(atATime, true), Objects.requireNonNull(maxWait, "maxWait"),
                roundTripTimeout);
    }

    /**
     * Transactions on {@code pool}, at most as many at once as it has connections. A transaction
     * waits to be admitted for what {@link DataSources#CONNECTION_WAIT} leaves after the pool's own
     * connection timeout, so that it waits no longer in all than that: while the database is away,
     * the admitted transactions wait out the pool's timeout, and the ones behind them must not add a
     * whole second wait to it. Each round trip of a transaction is bounded by
     * {@link DataSources#STATEMENT_TIMEOUT}.
     */
    public static Transactions onPool(HikariDataSource pool) {
        Duration inPool = Duration.ofMillis(pool.getConnectionTimeout());
        Duration admission = DataSources.CONNECTION_WAIT.minus(inPool);
        if (admission.isNegative() || admission.isZero()) {
            throw new IllegalArgumentException("the pool's connection timeout " + inPool
                    + " leaves no time to wait for admission within " + DataSources.CONNECTION_WAIT);
        }
        return admitting(pool, pool.getMaximumPoolSize(), admission, DataSources.STATEMENT_TIMEOUT);
    }

    /**
     * The same transactions (the same data source and the same places to wait for) with each round
     * trip bounded by {@code timeout} instead: for work whose statements may rightly run longer than
     * a request's, such as the outbox's upkeep after an outage.
     */
    public Transactions withRoundTripTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a round trip timeout is positive, was " + timeout);
        }
        return new Transactions(dataSource, admission, Duration.ofNanos(maxWaitNanos), timeout);
    }

    /**
     * Runs {@code work} in a new transaction and returns its result after commit.
     *
     * @throws SQLException when the connection cannot be obtained or the work throws it
     * @throws CommitUnknownException when the commit fails: the transaction may have been applied
     */
    public <T> T inTransaction(TransactionCallback<T> work) throws SQLException {
        if (admission == null) {
            return onConnection(work);
        }
        admit();
        try {
            return onConnection(work);
        } finally {
            admission.release();
        }
    }

    /** How many transactions wait to be admitted right now (an estimate, for metrics); 0 without a limit. */
    public int waiting() {
        return admission == null ? 0 : admission.getQueueLength();
    }

    private void admit() throws SQLException {
        // An interrupted thread still takes a free place, as it takes a free connection from the pool
        // (HikariCP notices an interrupt only while it waits): the relay's completer records what it
        // collected on its way out. Only the wait for a place ends at the interrupt.
        if (Thread.currentThread().isInterrupted() && admission.tryAcquire()) {
            return;
        }
        boolean admitted;
        try {
            admitted = admission.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientConnectionException("interrupted while waiting for a database connection", e);
        }
        if (!admitted) {
            throw new SQLTransientConnectionException("no database connection free within "
                    + TimeUnit.NANOSECONDS.toMillis(maxWaitNanos) + " ms");
        }
    }

    private <T> T onConnection(TransactionCallback<T> work) throws SQLException {
        try (Connection conn = dataSource.getConnection()) {
            if (roundTripTimeoutMillis > 0) {
                // on the calling thread (the drivers in use apply it at once whatever executor
                // they are given); the pool restores the connection's own setting when it is returned
                conn.setNetworkTimeout(Runnable::run, roundTripTimeoutMillis);
            }
            boolean autoCommit = conn.getAutoCommit();
            if (autoCommit) {
                conn.setAutoCommit(false);
            }
            try {
                T result = work.doInTransaction(conn);
                commit(conn);
                return result;
            } catch (Throwable failure) {
                rollback(conn, failure);
                throw failure;
            } finally {
                if (autoCommit) {
                    restoreAutoCommit(conn);
                }
            }
        }
    }

    /** Commits; a failure on the way may have left the transaction applied ({@link CommitUnknownException}). */
    private static void commit(Connection conn) throws CommitUnknownException {
        try {
            conn.commit();
        } catch (SQLException e) {
            throw new CommitUnknownException(e);
        }
    }

    private static void rollback(Connection conn, Throwable failure) {
        try {
            conn.rollback();
            log.debug("Transaction rolled back after {}", failure.toString());
        } catch (SQLException rollbackFailure) {
            log.warn("Rollback failed: {}", rollbackFailure.getMessage());
            failure.addSuppressed(rollbackFailure);
        }
    }

    private static void restoreAutoCommit(Connection conn) {
        try {
            conn.setAutoCommit(true);
        } catch (SQLException e) {
            log.warn("Could not restore autocommit on a pooled connection: {}", e.getMessage());
        }
    }
}
