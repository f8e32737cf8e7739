package com.marketplace.gateway.order.jdbc;

import com.marketplace.gateway.db.UtcTimestamps;
import com.marketplace.gateway.order.IdempotencyRecord;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * JDBC access to {@code idempotency_keys}. Keys are stored as bytes so that they compare exactly
 * (case-sensitive) on every database. Works on the caller's connection and transaction.
 */
public final class JdbcIdempotencyRepository {

    private static final String SELECT = """
            SELECT idempotency_key, request_hash, order_id, created_at
            FROM idempotency_keys WHERE idempotency_key = ?""";
    private static final String INSERT = """
            INSERT INTO idempotency_keys (idempotency_key, request_hash, order_id, created_at)
            VALUES (?, ?, ?, ?)""";

    public Optional<IdempotencyRecord> find(Connection conn, String key) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(SELECT)) {
            ps.setBytes(1, key.getBytes(StandardCharsets.UTF_8));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    /**
     * Stores the key in the caller's transaction.
     *
     * @throws SQLException an integrity violation (SQLState 23xxx) when the key already exists
     */
    public void insert(Connection conn, IdempotencyRecord record) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(INSERT)) {
            ps.setBytes(1, record.key().getBytes(StandardCharsets.UTF_8));
            ps.setString(2, record.requestHash());
            ps.setLong(3, record.orderId());
            UtcTimestamps.bind(ps, 4, record.createdAt());
            if (ps.executeUpdate() != 1) {
                throw new SQLException("idempotency key insert affected no row");
            }
        }
    }

    private static IdempotencyRecord map(ResultSet rs) throws SQLException {
        return new IdempotencyRecord(
                new String(rs.getBytes("idempotency_key"), StandardCharsets.UTF_8),
                rs.getString("request_hash"),
                rs.getLong("order_id"),
                UtcTimestamps.read(rs, "created_at"));
    }
}
