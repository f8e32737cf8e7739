package com.marketplace.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marketplace.gateway.support.TestDatabase;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The transaction helper on a real connection: commit, rollback, autocommit restored, original rethrown. */
class TransactionsIT {

    private static final String INSERT = """
            INSERT INTO outbox_events (event_id, aggregate_type, aggregate_id, event_type, payload, status,
                created_at, retry_count, next_attempt_at)
            VALUES (?, 'Order', '1', 'OrderCreated', '{}', 'PENDING', '2026-01-01 00:00:00', 0, '2026-01-01 00:00:00')""";

    private Connection physical;
    private Transactions transactions;

    @BeforeEach
    void openSingleConnection() throws SQLException {
        TestDatabase.clean();
        physical = TestDatabase.dataSource().getConnection();
        // a connection that comes with autocommit on, as from a pool other than the gateway's
        physical.setAutoCommit(true);
        transactions = new Transactions(new SingleConnectionDataSource(physical));
    }

    @AfterEach
    void closeConnection() throws SQLException {
        physical.close();
    }

    @Test
    void commitsWhenTheCallbackReturnsAndRestoresAutocommit() throws SQLException {
        String result = transactions.inTransaction(conn -> {
            insert(conn, "00000000-0000-0000-0000-000000000001");
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertThat(TestDatabase.count("outbox_events")).isEqualTo(1);
        assertThat(physical.getAutoCommit()).isTrue();
    }

    @Test
    void aConnectionWithoutAutocommitAsTheGatewaysPoolHandsOutIsCommittedAndLeftWithout() throws SQLException {
        physical.setAutoCommit(false);

        transactions.inTransaction(conn -> {
            insert(conn, "00000000-0000-0000-0000-000000000004");
            return null;
        });

        assertThat(TestDatabase.count("outbox_events")).as("committed, seen from another connection").isEqualTo(1);
        assertThat(physical.getAutoCommit()).isFalse();
    }

    @Test
    void theGatewaysPoolHandsOutConnectionsWithoutAutocommit() throws SQLException {
        try (Connection pooled = TestDatabase.dataSource().getConnection()) {
            assertThat(pooled.getAutoCommit()).isFalse();
        }
    }

    @Test
    void rollsBackOnRuntimeExceptionAndRethrowsTheOriginal() throws SQLException {
        IllegalStateException failure = new IllegalStateException("boom");

        assertThatThrownBy(() -> transactions.inTransaction(conn -> {
            insert(conn, "00000000-0000-0000-0000-000000000002");
            throw failure;
        })).isSameAs(failure);

        assertThat(TestDatabase.count("outbox_events")).isZero();
        assertThat(physical.getAutoCommit()).isTrue();
    }

    @Test
    void rollsBackOnSqlExceptionAndRethrowsTheOriginal() throws SQLException {
        assertThatThrownBy(() -> transactions.inTransaction(conn -> {
            insert(conn, "00000000-0000-0000-0000-000000000003");
            insert(conn, "00000000-0000-0000-0000-000000000003");
            return null;
        })).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(SqlStates.isIntegrityViolation((SQLException) e)).isTrue());

        assertThat(TestDatabase.count("outbox_events")).isZero();
        assertThat(physical.getAutoCommit()).isTrue();
    }

    private static void insert(Connection conn, String eventId) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(INSERT)) {
            ps.setString(1, eventId);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    /** Hands out one real connection whose close() is ignored, so the test can inspect it afterwards. */
    private static final class SingleConnectionDataSource implements DataSource {

        private final Connection connection;

        SingleConnectionDataSource(Connection physical) {
            this.connection = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) ->
                            "close".equals(method.getName()) ? null : invoke(physical, method, args));
        }

        private static Object invoke(Connection target, java.lang.reflect.Method method, Object[] args)
                throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        }

        @Override
        public Connection getConnection() {
            return connection;
        }

        @Override
        public Connection getConnection(String username, String password) {
            return connection;
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
