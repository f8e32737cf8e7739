package com.marketplace.faults;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** One-line SQL reads for the checks. */
public final class Sql {

    private Sql() {
    }

    /** The first column of the first row as a long (0 when NULL). */
    public static long queryLong(Stack stack, String sql, Object... args) throws SQLException {
        try (Connection conn = stack.db(); PreparedStatement ps = prepare(conn, sql, args);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** The first column of every row, as strings. */
    public static List<String> queryColumn(Stack stack, String sql, Object... args) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection conn = stack.db(); PreparedStatement ps = prepare(conn, sql, args);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private static PreparedStatement prepare(Connection conn, String sql, Object... args) throws SQLException {
        PreparedStatement ps = conn.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps;
    }

    /**
     * Rows a relay holds right now, by relay id (bound twice): leased to it, or inside the id range of
     * one of its claims. A range may also span rows the claim did not take (held back behind an earlier
     * event of their order, or committed after the claim); they too wait for the claim.
     */
    public static final String HELD_ROWS = """
            SELECT o.id FROM outbox_events o
            WHERE o.status = 'PENDING'
              AND (o.claimed_by = ?
                   OR EXISTS (SELECT 1 FROM outbox_claims c
                              WHERE c.relay_id = ? AND c.first_id <= o.id AND c.last_id >= o.id))""";
    /** How many rows a relay took and holds right now, by relay id (bound twice): its leased rows and its claims' rows. */
    public static final String HELD_COUNT = """
            SELECT (SELECT COUNT(*) FROM outbox_events WHERE status = 'PENDING' AND claimed_by = ?)
                 + (SELECT COALESCE(SUM(row_count), 0) FROM outbox_claims WHERE relay_id = ?)""";
    /** How many orders do not have exactly one {@code OrderCreated} outbox row (none: lost; two: created twice). */
    public static final String ORDERS_NOT_CREATED_ONCE = """
            SELECT COUNT(*) FROM orders o
            WHERE (SELECT COUNT(*) FROM outbox_events e
                   WHERE CAST(e.aggregate_id AS UNSIGNED) = o.id AND e.event_type = 'OrderCreated') <> 1""";
    /** The relays holding rows right now. */
    public static final String HOLDERS = """
            SELECT claimed_by FROM outbox_events WHERE status = 'PENDING' AND claimed_by <> ''
            UNION
            SELECT relay_id FROM outbox_claims""";
    static final String PROCESSED = "SELECT COUNT(*) FROM outbox_events WHERE status = 'PROCESSED'";
}
