package com.marketplace.gateway.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
public final class DatabaseHealth {

    /** Longest time {@link #isReachable()} takes. */
    public static final Duration ANSWER_WITHIN = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(DatabaseHealth.class);
    private static final int VALIDATION_TIMEOUT_SECONDS = 1;

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
        } catch (ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private synchronized Future<Boolean> currentCheck() {
        if (inFlight == null || inFlight.isDone()) {
            inFlight = checker.submit(this::check);
        }
        return inFlight;
    }

    private boolean check() {
        try (Connection conn = dataSource.getConnection()) {
            return conn.isValid(VALIDATION_TIMEOUT_SECONDS);
        } catch (SQLException | RuntimeException e) {
            log.warn("Database not reachable: {}", e.getMessage());
            return false;
        }
    }
}
