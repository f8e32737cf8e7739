package com.marketplace.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The statistics the streams app serves, compared with the same statistics computed here from the
 * {@code orders} and {@code order_items} tables (docs/architecture.md: an order counts in a party's
 * {@code orders} and its items in {@code itemsSold} whatever its status; its money only while it is
 * not CANCELLED).
 */
public final class StatsCheck {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private static final String STATUS_COUNTS = "SELECT status, COUNT(*) FROM orders GROUP BY status";
    private static final String SELLERS = """
            SELECT i.seller_id, COUNT(DISTINCT o.id), SUM(i.quantity),
                   SUM(CASE WHEN o.status <> 'CANCELLED' THEN i.quantity * i.unit_price ELSE 0 END)
            FROM order_items i JOIN orders o ON o.id = i.order_id
            GROUP BY i.seller_id""";
    private static final String BUYERS = """
            SELECT buyer_id, COUNT(*), SUM(CASE WHEN status <> 'CANCELLED' THEN total_amount ELSE 0 END)
            FROM orders GROUP BY buyer_id""";

    private StatsCheck() {
    }

    /** Every difference between the served and the recomputed statistics; empty when they agree. */
    public static List<String> differences(Stack stack, JarService streams) throws SQLException {
        List<String> diffs = new ArrayList<>();
        try (Connection conn = stack.db()) {
            Map<String, Long> expectedCounts = new LinkedHashMap<>();
            query(conn, STATUS_COUNTS, rs -> expectedCounts.put(rs.getString(1), rs.getLong(2)));
            JsonNode counts = served(diffs, streams, "/api/v1/stats/status-counts");
            if (counts != null) {
                expectedCounts.forEach((status, n) -> {
                    long served = counts.path(status).asLong(0);
                    if (served != n) {
                        diffs.add("status " + status + ": served " + served + ", database " + n);
                    }
                });
                counts.fieldNames().forEachRemaining(status -> {
                    if (!expectedCounts.containsKey(status) && counts.get(status).asLong() != 0) {
                        diffs.add("status " + status + ": served " + counts.get(status) + ", database 0");
                    }
                });
            }
            query(conn, SELLERS, rs -> compare(diffs, streams, "/api/v1/stats/sellers/" + rs.getLong(1),
                    Map.of("orders", rs.getBigDecimal(2), "itemsSold", rs.getBigDecimal(3), "revenue", rs.getBigDecimal(4))));
            query(conn, BUYERS, rs -> compare(diffs, streams, "/api/v1/stats/buyers/" + rs.getLong(1),
                    Map.of("orders", rs.getBigDecimal(2), "totalSpent", rs.getBigDecimal(3))));
        }
        return diffs;
    }

    /**
     * Polls {@link #differences} every second until the served statistics agree with the database
     * or {@code timeout} passes (the app may still be catching up).
     *
     * @return the differences of the last poll; empty when they agreed
     */
    public static List<String> awaitAgreement(Stack stack, JarService streams, Duration timeout)
            throws InterruptedException {
        List<List<String>> last = new ArrayList<>(List.of(List.of()));
        Audit.Wait.until(timeout, Duration.ofSeconds(1), () -> {
            try {
                last.set(0, differences(stack, streams));
            } catch (SQLException e) {
                last.set(0, List.of(e.toString()));
            }
            return last.get(0).isEmpty();
        });
        return last.get(0);
    }

    /** The first few of {@code diffs}, for a failure message. */
    public static String summary(List<String> diffs) {
        return diffs.subList(0, Math.min(5, diffs.size())) + (diffs.size() > 5 ? " …" : "");
    }

    /** Adds to {@code diffs} how {@code path}'s answer differs from {@code expected} ({@link #served}). */
    private static void compare(List<String> diffs, JarService streams, String path, Map<String, BigDecimal> expected) {
        JsonNode served = served(diffs, streams, path);
        if (served == null) {
            return;
        }
        expected.forEach((field, value) -> {
            BigDecimal got = served.hasNonNull(field) ? served.get(field).decimalValue() : null;
            if (got == null || got.compareTo(value) != 0) {
                diffs.add(path + " " + field + ": served " + got + ", database " + value);
            }
        });
    }

    /**
     * {@code path}'s answer, or null after adding to {@code diffs} why there is none: {@code not served}
     * when nothing answers or the answer is 503 (unavailable, as the API promises while a partition
     * moves); {@code served status N} for any other answer than 200, a wrong answer (a statistic that
     * exists is never 404).
     */
    private static JsonNode served(List<String> diffs, JarService streams, String path) {
        HttpResponse<String> answer = Load.answer(streams.uri(path));
        if (answer == null || answer.statusCode() == 503) {
            diffs.add(path + " not served");
            return null;
        }
        JsonNode served = answer.statusCode() == 200 ? json(answer.body()) : null;
        if (served == null) {
            diffs.add(path + ": served status " + answer.statusCode()
                    + (answer.statusCode() == 200 ? " without a JSON object" : ""));
        }
        return served;
    }

    /** {@code body} as a JSON object, or null when it is not one (empty, unreadable, another value). */
    private static JsonNode json(String body) {
        try {
            JsonNode value = JSON.readTree(body);
            return value != null && value.isObject() ? value : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private interface RowHandler {
        void handle(ResultSet rs) throws SQLException;
    }

    private static void query(Connection conn, String sql, RowHandler handler) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                handler.handle(rs);
            }
        }
    }
}
