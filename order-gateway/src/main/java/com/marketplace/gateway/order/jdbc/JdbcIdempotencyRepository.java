package com.marketplace.gateway.order.jdbc;

import com.marketplace.gateway.db.UtcTimestamps;
import com.marketplace.gateway.order.IdempotencyRecord;
import com.marketplace.gateway.upkeep.CleanupPage;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
    /** Walks the keys by the index of their foreign key: order ids grow with time, the keys do not. */
    private static final String SELECT_AFTER_ORDER = """
            SELECT idempotency_key, order_id, created_at FROM idempotency_keys
            WHERE order_id > ?
            ORDER BY order_id
            LIMIT ?""";
    private static final String DELETE_KEYS = "DELETE FROM idempotency_keys WHERE idempotency_key IN (%s)";

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

    /**
     * Reads up to {@code window} keys of order ids above {@code afterOrderId}, in order id order, and
     * deletes the ones created before {@code cutoff}. The walk may stop once a window ends on a key
     * created after the cutoff ({@link CleanupPage#more()} is false): order ids come in blocks each
     * gateway takes as it needs them, so later keys were created about as late, and the few expired
     * ones among them are deleted by a later walk.
     */
    public CleanupPage deleteBefore(Connection conn, Instant cutoff, long afterOrderId, int window)
            throws SQLException {
        List<byte[]> expired = new ArrayList<>();
        int read = 0;
        long lastOrderId = afterOrderId;
        boolean lastCreatedBeforeCutoff = false;
        try (PreparedStatement ps = conn.prepareStatement(SELECT_AFTER_ORDER)) {
            ps.setLong(1, afterOrderId);
            ps.setInt(2, window);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    read++;
                    lastOrderId = rs.getLong("order_id");
                    lastCreatedBeforeCutoff = UtcTimestamps.read(rs, "created_at").isBefore(cutoff);
                    if (lastCreatedBeforeCutoff) {
                        expired.add(rs.getBytes("idempotency_key"));
                    }
                }
            }
        }
        int deleted = 0;
        if (!expired.isEmpty()) {
            String keys = String.join(", ", Collections.nCopies(expired.size(), "?"));
            try (PreparedStatement ps = conn.prepareStatement(DELETE_KEYS.formatted(keys))) {
                for (int i = 0; i < expired.size(); i++) {
                    ps.setBytes(i + 1, expired.get(i));
                }
                deleted = ps.executeUpdate();
            }
        }
        return new CleanupPage(deleted, lastOrderId, read == window && lastCreatedBeforeCutoff);
    }

    private static IdempotencyRecord map(ResultSet rs) throws SQLException {
        return new IdempotencyRecord(
                new String(rs.getBytes("idempotency_key"), StandardCharsets.UTF_8),
                rs.getString("request_hash"),
                rs.getLong("order_id"),
                UtcTimestamps.read(rs, "created_at"));
    }
}
