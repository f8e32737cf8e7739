package com.marketplace.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.marketplace.gateway.support.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DATETIME(6) values survive a round trip with their microseconds on every supported database. */
class UtcTimestampsIT {

    @BeforeEach
    void cleanDatabase() {
        TestDatabase.clean();
    }

    @Test
    void microsecondsAndUtcAreKept() throws SQLException {
        Instant written = Instant.parse("2026-11-25T23:59:58.123456Z");
        try (Connection conn = TestDatabase.dataSource().getConnection()) {
            try (PreparedStatement ps = conn.prepareStatement("""
                    INSERT INTO outbox_events (event_id, aggregate_type, aggregate_id, event_type, payload, status,
                        created_at, retry_count, next_attempt_at)
                    VALUES ('00000000-0000-0000-0000-00000000000a', 'Order', '1', 'OrderCreated', '{}', 'PENDING',
                        ?, 0, ?)""")) {
                UtcTimestamps.bind(ps, 1, written);
                UtcTimestamps.bind(ps, 2, written);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT created_at, processed_at, CONCAT(created_at, '') AS stored FROM outbox_events"
                            + " WHERE next_attempt_at = ?")) {
                UtcTimestamps.bind(ps, 1, written);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(UtcTimestamps.read(rs, "created_at")).isEqualTo(written);
                    // what the database holds, read as text: UTC wall time, not shifted to any zone
                    assertThat(rs.getString("stored")).isEqualTo("2026-11-25 23:59:58.123456");
                    assertThat(UtcTimestamps.read(rs, "processed_at")).as("not processed yet").isEqualTo(Instant.EPOCH);
                }
            }
        }
    }

    @Test
    void nullBindsAndReadsAsNull() throws SQLException {
        try (Connection conn = TestDatabase.dataSource().getConnection();
                PreparedStatement ps = conn.prepareStatement(
                        "SELECT ? IS NULL AS bound_null, CAST(NULL AS DATETIME(6)) AS read_null")) {
            UtcTimestamps.bind(ps, 1, null);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean("bound_null")).isTrue();
                assertThat(UtcTimestamps.read(rs, "read_null")).isNull();
            }
        }
    }
}
