package com.marketplace.gateway.outbox;

import com.marketplace.gateway.db.UtcTimestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * JDBC access to {@code outbox_events}. Every method works on the caller's connection and
 * transaction; none opens, commits or rolls back one.
 */
public final class JdbcOutboxRepository {

    private static final String INSERT = """
            INSERT INTO outbox_events
                (event_id, aggregate_type, aggregate_id, event_type, payload, status,
                 created_at, retry_count, next_attempt_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)""";

    /**
     * Inserts a PENDING row, due at once, in the caller's transaction.
     *
     * @throws java.sql.SQLIntegrityConstraintViolationException when the eventId already exists
     */
    public void insert(Connection conn, NewOutboxEvent event) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(INSERT)) {
            ps.setString(1, event.eventId().toString());
            ps.setString(2, event.aggregateType());
            ps.setString(3, event.aggregateId());
            ps.setString(4, event.eventType());
            ps.setString(5, event.envelopeJson());
            ps.setString(6, OutboxStatus.PENDING.name());
            UtcTimestamps.bind(ps, 7, event.createdAt());
            UtcTimestamps.bind(ps, 8, event.createdAt());
            if (ps.executeUpdate() != 1) {
                throw new SQLException("outbox insert affected no row for event " + event.eventId());
            }
        }
    }
}
