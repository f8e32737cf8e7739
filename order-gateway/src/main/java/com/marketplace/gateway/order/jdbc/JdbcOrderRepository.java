package com.marketplace.gateway.order.jdbc;

import com.marketplace.events.OrderItem;
import com.marketplace.events.OrderStatus;
import com.marketplace.gateway.db.SqlStates;
import com.marketplace.gateway.db.UtcTimestamps;
import com.marketplace.gateway.order.NewOrder;
import com.marketplace.gateway.order.Order;
import com.marketplace.gateway.order.OrderNumbers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * JDBC access to {@code orders} and {@code order_items}. Works on the caller's connection and
 * transaction; never opens, commits or rolls back one.
 */
public final class JdbcOrderRepository {

    private static final String INSERT_ORDER = """
            INSERT INTO orders
                (id, order_number, buyer_id, buyer_email, currency, status, total_amount, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    /**
     * Items are written in multi-row {@code INSERT}s of at most this many rows, so a connection
     * prepares at most this many item statements (one per row count) and a typical order's items
     * take one statement.
     */
    static final int ITEMS_PER_STATEMENT = 8;
    /** {@code INSERT_ITEMS[n]}: the statement for {@code n} items (index 0 unused). */
    private static final String[] INSERT_ITEMS = insertItemsStatements();
    private static final String SELECT_ORDER = """
            SELECT id, order_number, buyer_id, buyer_email, currency, status, total_amount, created_at, updated_at
            FROM orders WHERE id = ?""";
    private static final String SELECT_ORDER_FOR_UPDATE = SELECT_ORDER + " FOR UPDATE";
    private static final String SELECT_ITEMS = """
            SELECT product_id, seller_id, quantity, unit_price
            FROM order_items WHERE order_id = ? ORDER BY id""";
    private static final String UPDATE_STATUS = "UPDATE orders SET status = ?, updated_at = ? WHERE id = ?";

    /**
     * Inserts a PENDING order with the given id and its order number, then its items: the row is
     * written whole, so no placeholder number is set and replaced and no generated key is read.
     *
     * @param orderId an id from {@link com.marketplace.gateway.order.OrderIds}
     * @return the stored order, or empty when a row with this id exists already (nothing is written)
     */
    public Optional<Order> insert(Connection conn, long orderId, NewOrder order, Instant now) throws SQLException {
        String orderNumber = OrderNumbers.of(orderId, now);
        try {
            insertOrderRow(conn, orderId, orderNumber, order, now);
        } catch (SQLException e) {
            if (SqlStates.isDuplicateKey(e)) {
                return Optional.empty();
            }
            throw e;
        }
        insertItems(conn, orderId, order.items());
        return Optional.of(new Order(orderId, orderNumber, order.buyerId(), order.buyerEmail(), order.currency(),
                OrderStatus.PENDING, order.totalAmount(), order.items(), now, now));
    }

    public Optional<Order> find(Connection conn, long orderId) throws SQLException {
        return select(conn, SELECT_ORDER, orderId);
    }

    /** Like {@link #find} and locks the order row until the transaction ends. */
    public Optional<Order> findForUpdate(Connection conn, long orderId) throws SQLException {
        return select(conn, SELECT_ORDER_FOR_UPDATE, orderId);
    }

    public void updateStatus(Connection conn, long orderId, OrderStatus status, Instant now) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(UPDATE_STATUS)) {
            ps.setString(1, status.name());
            UtcTimestamps.bind(ps, 2, now);
            ps.setLong(3, orderId);
            requireOneRow(ps.executeUpdate(), "status update of order " + orderId);
        }
    }

    private static void insertOrderRow(Connection conn, long orderId, String orderNumber, NewOrder order,
                                       Instant now) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(INSERT_ORDER)) {
            ps.setLong(1, orderId);
            ps.setString(2, orderNumber);
            ps.setLong(3, order.buyerId());
            ps.setString(4, order.buyerEmail());
            ps.setString(5, order.currency());
            ps.setString(6, OrderStatus.PENDING.name());
            ps.setBigDecimal(7, order.totalAmount());
            UtcTimestamps.bind(ps, 8, now);
            UtcTimestamps.bind(ps, 9, now);
            requireOneRow(ps.executeUpdate(), "order insert");
        }
    }

    /**
     * One multi-row {@code INSERT} per {@link #ITEMS_PER_STATEMENT} items, written by hand rather than
     * as a JDBC batch: Connector/J rewrites a batch into the same statement, but it rebuilds the
     * statement text and prepares it again on every call. Rows keep the order of the list, so the
     * items' ids follow it.
     */
    private static void insertItems(Connection conn, long orderId, List<OrderItem> items) throws SQLException {
        for (int from = 0; from < items.size(); from += ITEMS_PER_STATEMENT) {
            int rows = Math.min(ITEMS_PER_STATEMENT, items.size() - from);
            try (PreparedStatement ps = conn.prepareStatement(INSERT_ITEMS[rows])) {
                int p = 1;
                for (int i = from; i < from + rows; i++) {
                    OrderItem item = items.get(i);
                    ps.setLong(p++, orderId);
                    ps.setLong(p++, item.productId());
                    ps.setLong(p++, item.sellerId());
                    ps.setInt(p++, item.quantity());
                    ps.setBigDecimal(p++, item.unitPrice());
                }
                int count = ps.executeUpdate();
                if (count != rows) {
                    throw new SQLException("order item insert affected " + count + " rows for order " + orderId
                            + ", expected " + rows);
                }
            }
        }
    }

    private static String[] insertItemsStatements() {
        String[] statements = new String[ITEMS_PER_STATEMENT + 1];
        StringBuilder sql = new StringBuilder(
                "INSERT INTO order_items (order_id, product_id, seller_id, quantity, unit_price)\nVALUES ");
        for (int rows = 1; rows <= ITEMS_PER_STATEMENT; rows++) {
            sql.append(rows == 1 ? "" : ", ").append("(?, ?, ?, ?, ?)");
            statements[rows] = sql.toString();
        }
        return statements;
    }

    private Optional<Order> select(Connection conn, String sql, long orderId) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setLong(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(map(rs, items(conn, orderId)));
            }
        }
    }

    private static List<OrderItem> items(Connection conn, long orderId) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(SELECT_ITEMS)) {
            ps.setLong(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                List<OrderItem> items = new ArrayList<>();
                while (rs.next()) {
                    items.add(new OrderItem(rs.getLong("product_id"), rs.getLong("seller_id"),
                            rs.getInt("quantity"), rs.getBigDecimal("unit_price")));
                }
                return items;
            }
        }
    }

    private static Order map(ResultSet rs, List<OrderItem> items) throws SQLException {
        return new Order(
                rs.getLong("id"),
                rs.getString("order_number"),
                rs.getLong("buyer_id"),
                rs.getString("buyer_email"),
                rs.getString("currency"),
                OrderStatus.valueOf(rs.getString("status")),
                rs.getBigDecimal("total_amount"),
                items,
                UtcTimestamps.read(rs, "created_at"),
                UtcTimestamps.read(rs, "updated_at"));
    }

    private static void requireOneRow(int count, String what) throws SQLException {
        if (count != 1) {
            throw new SQLException(what + " affected " + count + " rows, expected 1");
        }
    }
}
