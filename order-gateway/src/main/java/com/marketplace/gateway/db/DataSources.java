package com.marketplace.gateway.db;

import com.marketplace.config.ConfigException;
import com.marketplace.gateway.config.GatewayConfig;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;

/** Builds the HikariCP connection pool. */
public final class DataSources {

    /**
     * The longest a transaction waits for a connection, however many are in flight: its wait to be
     * admitted in front of the pool ({@link Transactions#onPool}) and its wait inside the pool together.
     */
    public static final Duration CONNECTION_WAIT = Duration.ofSeconds(5);
    /**
     * The pool's own share of {@link #CONNECTION_WAIT} (its connection timeout). An admitted
     * transaction waits inside the pool only while connections are being opened: at start, or while
     * the database is away, when every wait ends in this timeout and the request is answered 503.
     */
    static final Duration POOL_WAIT = Duration.ofSeconds(2);
    /**
     * The longest one round trip of a transaction on the pool may take (each statement, the commit;
     * {@link Transactions#onPool}): the claims, recordings and order writes take milliseconds, so a
     * database that has not answered for this long is taken for gone. With the wait for a
     * connection, a request is answered within {@code CONNECTION_WAIT - POOL_WAIT} (the longest wait
     * to be admitted) plus this, while the database hangs instead of refusing. The upkeep (the
     * outbox's, the idempotency keys' expiry) has a longer bound ({@link #UPKEEP_STATEMENT_TIMEOUT});
     * schema migrations at start-up have none.
     */
    public static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(3);
    /**
     * The bound of a round trip of the upkeep instead ({@link Transactions#withRoundTripTimeout}):
     * after an outage the outbox's backlog count reads every PENDING row, and its cleanup and the
     * idempotency keys' expiry delete pages of thousands of rows, which may rightly take longer than a
     * request's statements. They run on threads of their own, so no client waits for them.
     */
    public static final Duration UPKEEP_STATEMENT_TIMEOUT = Duration.ofSeconds(60);
    /**
     * How long the pool's liveness test of a connection idle for more than half a second may take
     * before the connection counts as dead (HikariCP's default is 5 s, longer than a request's
     * whole wait for a connection).
     */
    static final Duration VALIDATION_TIMEOUT = Duration.ofSeconds(1);

    private DataSources() {
    }

    /**
     * A pool of at most {@code maxSize} connections to the given JDBC URL, its connections without
     * autocommit (commit what you write). Fails fast (within the connection timeout) when the
     * database is unreachable at start-up.
     *
     * @throws ConfigException naming {@code DB_URL} (not its value, which may hold a password) when no
     *                         driver here takes the URL
     */
    public static HikariDataSource create(String jdbcUrl, String user, String password, int maxSize) {
        requireDriver(jdbcUrl);
        HikariConfig config = new HikariConfig();
        config.setPoolName("gateway-db");
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(maxSize);
        config.setConnectionTimeout(POOL_WAIT.toMillis());
        config.setValidationTimeout(VALIDATION_TIMEOUT.toMillis());
        // Connections come without autocommit: every use of this pool is a transaction
        // (Transactions) or a read, and a pool with autocommit on makes each transaction pay two
        // more round trips, "SET autocommit=0" before it and "SET autocommit=1" after it. A
        // connection returned with uncommitted work is rolled back by the pool.
        config.setAutoCommit(false);
        // READ COMMITTED: the outbox claim (SELECT ... FOR UPDATE SKIP LOCKED) then takes no gap
        // locks, so it never blocks concurrent order inserts and always sees the latest commits.
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        if (jdbcUrl.startsWith("jdbc:mysql:")) {
            mysqlConnectorJ(config);
        } else if (jdbcUrl.startsWith("jdbc:mariadb:")) {
            mariadbConnectorJ(config);
        }
        return new HikariDataSource(config);
    }

    private static void requireDriver(String jdbcUrl) {
        try {
            DriverManager.getDriver(jdbcUrl);
        } catch (SQLException noDriver) {
            throw ConfigException.withoutValue(GatewayConfig.DB_URL, "no JDBC driver of the gateway takes this URL "
                    + "(it has MySQL Connector/J for jdbc:mysql:, MariaDB Connector/J for jdbc:mariadb: "
                    + "and H2 for jdbc:h2:)");
        }
    }

    /** MySQL Connector/J, for {@code jdbc:mysql:} URLs (MySQL, and MariaDB through the MySQL protocol). */
    private static void mysqlConnectorJ(HikariConfig config) {
        config.addDataSourceProperty("cachePrepStmts", "true");
        config.addDataSourceProperty("prepStmtCacheSize", "250");
        config.addDataSourceProperty("prepStmtCacheSqlLimit", "4096");
        // Server-side prepared statements, kept per connection by the cache above: a statement is
        // parsed once per connection, and its parameters go in the binary protocol instead of being
        // escaped into the SQL text. In the gateway benchmark this took 13 % of the gateway's CPU per
        // order (376 -> 327 us) and 17 % of MariaDB's. Statements with IN lists come in a few sizes
        // only (JdbcOutboxRepository), so the server's statement count stays small.
        config.addDataSourceProperty("useServerPrepStmts", "true");
        config.addDataSourceProperty("rewriteBatchedStatements", "true");
        // skip round trips for session state the driver already knows (autocommit, isolation)
        config.addDataSourceProperty("useLocalSessionState", "true");
        config.addDataSourceProperty("useLocalTransactionState", "true");
        config.addDataSourceProperty("elideSetAutoCommits", "true");
        config.addDataSourceProperty("cacheServerConfiguration", "true");
        config.addDataSourceProperty("maintainTimeStats", "false");
    }

    /**
     * MariaDB Connector/J, for {@code jdbc:mariadb:} URLs: the same statements with about a fifth less
     * client CPU per transaction than MySQL Connector/J on a MariaDB server (docs/operations.md,
     * "Which JDBC driver"). It keeps the session state it set and caches server-side prepared
     * statements per connection by default; only the server-side preparation is asked for here.
     */
    private static void mariadbConnectorJ(HikariConfig config) {
        config.addDataSourceProperty("useServerPrepStmts", "true");
        config.addDataSourceProperty("prepStmtCacheSize", "250");
    }
}
