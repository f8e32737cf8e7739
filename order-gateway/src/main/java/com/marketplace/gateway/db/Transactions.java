package com.marketplace.gateway.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
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
 */
public final class Transactions {

    private static final Logger log = LoggerFactory.getLogger(Transactions.class);

    private final DataSource dataSource;

    public Transactions(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Runs {@code work} in a new transaction and returns its result after commit.
     *
     * @throws SQLException when the connection cannot be obtained, the work throws it, or commit fails
     */
    public <T> T inTransaction(TransactionCallback<T> work) throws SQLException {
        try (Connection conn = dataSource.getConnection()) {
            boolean autoCommit = conn.getAutoCommit();
            if (autoCommit) {
                conn.setAutoCommit(false);
            }
            try {
                T result = work.doInTransaction(conn);
                conn.commit();
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
