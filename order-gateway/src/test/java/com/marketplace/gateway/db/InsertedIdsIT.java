package com.marketplace.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.marketplace.gateway.support.TestDatabase;
import com.mysql.cj.jdbc.StatementImpl;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The id of an inserted row, on the database the tests run against (H2 locally, MariaDB in CI,
 * where MySQL Connector/J's statement gives it rather than a generated-keys result set; a
 * {@code jdbc:mariadb:} test database reads it from MariaDB Connector/J's generated keys).
 */
class InsertedIdsIT {

    private static final String INSERT = """
            INSERT INTO outbox_events (event_id, aggregate_type, aggregate_id, event_type, payload, status,
                created_at, retry_count, next_attempt_at)
            VALUES (?, 'Order', '1', 'OrderCreated', '{}', 'PENDING', '2026-01-01 00:00:00', 0, '2026-01-01 00:00:00')""";

    @BeforeEach
    void cleanDatabase() {
        TestDatabase.clean();
    }

    @Test
    void eachInsertOnAReusedStatementAnswersItsOwnRowsId() throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection conn = TestDatabase.dataSource().getConnection()) {
            for (int i = 1; i <= 3; i++) {
                // prepared again each time, as the repositories do (on MariaDB, the driver's statement cache
                // hands back the same server-side statement)
                try (PreparedStatement ps = conn.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)) {
                    ps.setString(1, eventId(i));
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                    assertThat(ps.isWrapperFor(StatementImpl.class)).as("MySQL Connector/J statement")
                            .isEqualTo(TestDatabase.url().startsWith("jdbc:mysql:"));
                    ids.add(InsertedIds.of(ps));
                }
            }
            conn.commit();
        }

        for (int i = 1; i <= 3; i++) {
            assertThat(ids.get(i - 1)).as("id of row %d", i).isEqualTo(
                    TestDatabase.queryLong("SELECT id FROM outbox_events WHERE event_id = ?", eventId(i)));
        }
        assertThat(ids).doesNotHaveDuplicates().isSorted();
    }

    private static String eventId(int i) {
        return "00000000-0000-0000-0000-00000000000" + i;
    }
}
