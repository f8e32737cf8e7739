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

    /** Rows leased to a relay right now, by relay id. */
    static final String HELD_ROWS = "SELECT id FROM outbox_events WHERE status = 'PENDING' AND claimed_by = ?";
    static final String PROCESSED = "SELECT COUNT(*) FROM outbox_events WHERE status = 'PROCESSED'";
    static final String ANY_HOLDER = "SELECT claimed_by FROM outbox_events WHERE status = 'PENDING' AND claimed_by <> '' LIMIT 1";
}
