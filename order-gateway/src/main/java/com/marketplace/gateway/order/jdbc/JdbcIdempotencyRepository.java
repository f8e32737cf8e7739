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
            SELECT order_id, created_at FROM idempotency_keys
            WHERE order_id > ?
            ORDER BY order_id
            LIMIT ?""";
    /**
     * The expired keys of a page, by its range of order ids: one statement text whatever the page
     * holds, and the age checked again, so that a key made anew since the page was read (another
     * gateway's walk deleted the old one, a client used it again) is not deleted with it.
     */
    private static final String DELETE_EXPIRED_IN_RANGE = """
            DELETE FROM idempotency_keys
            WHERE order_id > ? AND order_id <= ? AND created_at < ?""";

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
     * deletes the ones among them created before {@code cutoff}. The walk may stop once a window ends
     * on a key created after the cutoff ({@link CleanupPage#more()} is false): order ids come in
     * blocks of 100 each gateway takes as it needs them, so later keys were created about as late, and
     * the few expired ones among them are deleted by a later walk, once the key the window ended on
     * has expired too. (Many gateways with blocks partly used for long, or clocks far apart, put more
     * younger keys below older ones and hold those back longer.)
     */
    public CleanupPage deleteBefore(Connection conn, Instant cutoff, long afterOrderId, int window)
            throws SQLException {
        int read = 0;
        int expired = 0;
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
                    expired += lastCreatedBeforeCutoff ? 1 : 0;
                }
            }
        }
        int deleted = 0;
        if (expired > 0) {
            try (PreparedStatement ps = conn.prepareStatement(DELETE_EXPIRED_IN_RANGE)) {
                ps.setLong(1, afterOrderId);
                ps.setLong(2, lastOrderId);
                UtcTimestamps.bind(ps, 3, cutoff);
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
