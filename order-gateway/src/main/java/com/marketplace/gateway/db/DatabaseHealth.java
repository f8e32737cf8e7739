package com.marketplace.gateway.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers whether the database can be reached right now, within {@link #ANSWER_WITHIN}: while the
 * database is away, taking a pooled connection waits for the pool's whole connection timeout, and a
 * readiness probe must not wait that long (probes give up after a second or two and would see a hang,
 * not a "no"). At most one check runs at a time; callers that arrive meanwhile wait for its answer.
 */
public final class DatabaseHealth implements AutoCloseable {

    /** Longest time {@link #isReachable()} takes. */
    public static final Duration ANSWER_WITHIN = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(DatabaseHealth.class);

    private final DataSource dataSource;
    private final ExecutorService checker = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "database-health");
        thread.setDaemon(true);
        return thread;
    });
    private Future<Boolean> inFlight;

    public DatabaseHealth(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** True when a pooled connection can be obtained and validated within {@link #ANSWER_WITHIN}; never throws. */
    public boolean isReachable() {
        try {
            return currentCheck().get(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("Database not reachable: no valid connection within {}", ANSWER_WITHIN);
            return false;
        } catch (ExecutionException | RejectedExecutionException e) { // the check failed, or closed
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Ends the checking thread; from then on the database reads as not reachable. */
    @Override
    public void close() {
        checker.shutdownNow();
    }

    private synchronized Future<Boolean> currentCheck() {
        if (inFlight == null || inFlight.isDone()) {
            inFlight = checker.submit(this::check);
        }
        return inFlight;
    }

    /**
     * Runs a statement rather than asking {@link Connection#isValid}: a dead connection that only
     * answers "not valid" goes back into the pool as it was, and the pool hands the same one to this
     * thread again on the next check (it skips its own liveness test for a connection used within the
     * last half second), so readiness would stay false long after the database is back. A failed
     * statement ends in a connection error (SQLState 08xxx), on which the pool evicts the connection;
     * the next check then opens a new one. The network timeout bounds the statement when the server
     * or the network hangs instead of refusing.
     */
    private boolean check() {
        try (Connection conn = dataSource.getConnection()) {
            conn.setNetworkTimeout(Runnable::run, (int) ANSWER_WITHIN.toMillis());
            try (Statement statement = conn.createStatement()) {
                statement.execute("SELECT 1");
            }
            return true;
        } catch (SQLException | RuntimeException e) {
            log.warn("Database not reachable: {}", e.getMessage());
            return false;
        }
    }
}
