package com.marketplace.gateway.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers whether the database can be reached right now. */
public final class DatabaseHealth {

    private static final Logger log = LoggerFactory.getLogger(DatabaseHealth.class);
    private static final int VALIDATION_TIMEOUT_SECONDS = 2;

    private final DataSource dataSource;

    public DatabaseHealth(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** True when a pooled connection can be obtained and validates within a short timeout; never throws. */
    public boolean isReachable() {
        try (Connection conn = dataSource.getConnection()) {
            return conn.isValid(VALIDATION_TIMEOUT_SECONDS);
        } catch (SQLException | RuntimeException e) {
            log.warn("Database not reachable: {}", e.getMessage());
            return false;
        }
    }
}
