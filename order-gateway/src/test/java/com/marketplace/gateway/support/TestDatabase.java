package com.marketplace.gateway.support;

import com.marketplace.gateway.config.GatewayConfig;
import com.marketplace.gateway.db.DataSources;
import com.marketplace.gateway.db.Migrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The database integration tests run against: the one named by {@code TEST_DB_URL},
 * {@code TEST_DB_USER}, {@code TEST_DB_PASSWORD} when set (CI: MariaDB), otherwise an in-memory H2
 * in MySQL mode. Migrated once per JVM; {@link #clean()} empties the gateway's tables, since test
 * classes share the database.
 */
public final class TestDatabase {

    private static final String H2_URL =
            "jdbc:h2:mem:gateway-it;MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";
    /** Child tables before their parents. */
    private static final List<String> TABLES_IN_DELETE_ORDER =
            List.of("idempotency_keys", "order_items", "orders", "outbox_events");
    private static final String RESET_LEASES =
            "UPDATE outbox_leases SET owner = NULL, lease_until = '1970-01-01 00:00:00'";

    private static final String URL = env("TEST_DB_URL", H2_URL);
    private static final String USER = env("TEST_DB_USER", "sa");
    private static final String PASSWORD = env("TEST_DB_PASSWORD", "");
    private static final DataSource DATA_SOURCE = migrated();

    private TestDatabase() {
    }

    private static String env(String name, String defaultValue) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? defaultValue : value;
    }

    private static DataSource migrated() {
        DataSource dataSource = DataSources.create(URL, USER, PASSWORD, GatewayConfig.DEFAULT_DB_POOL_SIZE);
        Migrations.migrate(dataSource);
        return dataSource;
    }

    /** The shared, migrated pool. Never close it. */
    public static DataSource dataSource() {
        return DATA_SOURCE;
    }

    public static String url() {
        return URL;
    }

    public static String user() {
        return USER;
    }

    public static String password() {
        return PASSWORD;
    }

    public static boolean isH2() {
        return URL.startsWith("jdbc:h2:");
    }

    /** A gateway configuration on this database, HTTP on a free port, relay off. */
    public static GatewayConfig gatewayConfig() {
        return gatewayConfig(Map.of());
    }

    /** {@link #gatewayConfig()} with some variables set otherwise (e.g. the relay on, an admin token). */
    public static GatewayConfig gatewayConfig(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put(GatewayConfig.HTTP_PORT, "0");
        env.put(GatewayConfig.DB_URL, URL);
        env.put(GatewayConfig.DB_USER, USER);
        env.put(GatewayConfig.DB_PASSWORD, PASSWORD);
        env.put(GatewayConfig.RELAY_ENABLED, "false");
        env.putAll(overrides);
        return GatewayConfig.fromEnv(env);
    }

    /** Deletes every row of the gateway's tables, and every relay's claims and leases. */
    public static void clean() {
        try (Connection conn = DATA_SOURCE.getConnection(); Statement st = conn.createStatement()) {
            for (String table : TABLES_IN_DELETE_ORDER) {
                st.executeUpdate("DELETE FROM " + table);
            }
            st.executeUpdate("DELETE FROM outbox_claims");
            st.executeUpdate(RESET_LEASES);
            conn.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("cleaning the test database failed", e);
        }
    }

    /** Number of rows in a table. */
    public static long count(String table) {
        return queryLong("SELECT COUNT(*) FROM " + table);
    }

    /** A single-number query, e.g. a COUNT with a WHERE clause. */
    public static long queryLong(String sql, Object... params) {
        try (Connection conn = DATA_SOURCE.getConnection(); PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + sql, e);
        }
    }

    /** Runs one data-changing statement, e.g. to put a row in a state only a fault leaves; its count of rows. */
    public static int update(String sql, Object... params) {
        try (Connection conn = DATA_SOURCE.getConnection(); PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            int rows = ps.executeUpdate();
            conn.commit();
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("update failed: " + sql, e);
        }
    }

    /** The eventIds of the outbox rows of one order, in insertion order. */
    public static List<String> outboxEventIds(String aggregateId) {
        return outboxColumn("event_id", "aggregate_id", aggregateId);
    }

    /** Row counts of all gateway tables, for before/after comparisons. */
    public static Map<String, Long> rowCounts() {
        Map<String, Long> counts = new HashMap<>();
        TABLES_IN_DELETE_ORDER.forEach(table -> counts.put(table, count(table)));
        return counts;
    }

    /** The stored payloads (envelope JSON) of outbox rows of one event type, in insertion order. */
    public static List<String> outboxPayloads(String eventType) {
        return outboxColumn("payload", "event_type", eventType);
    }

    /** One column of the outbox rows whose {@code where} column is {@code value}, in insertion order. */
    private static List<String> outboxColumn(String column, String where, String value) {
        try (Connection conn = DATA_SOURCE.getConnection();
             PreparedStatement ps = conn.prepareStatement(
                     "SELECT " + column + " FROM outbox_events WHERE " + where + " = ? ORDER BY id")) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                List<String> values = new java.util.ArrayList<>();
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
                return values;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the outbox failed", e);
        }
    }
}
