package com.marketplace.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marketplace.harness.MariaDbServer;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The readiness check against a MariaDB server of its own, killed and started again: while the
 * database is away every check answers "no" within its bound, and once it is back the check says so,
 * however often it was asked meanwhile.
 */
class DatabaseHealthIT {

    /** A probe never waits much longer than the check's own bound (scheduling slack only). */
    private static final Duration ANSWER_BOUND = DatabaseHealth.ANSWER_WITHIN.plusSeconds(1);
    /**
     * After an outage the pool retries opening connections at growing intervals of at most 5 s
     * (HikariCP's back-off); readiness follows the pool, so it may lag the database by that much.
     */
    private static final Duration BACK_WITHIN = Duration.ofSeconds(15);

    @TempDir
    static Path dir;

    private static MariaDbServer server;
    private static HikariDataSource pool;

    @BeforeAll
    static void startServer() {
        server = MariaDbServer.start(dir);
        server.recreateDatabase("health");
        pool = DataSources.create(server.jdbcUrl("health"), MariaDbServer.USER, MariaDbServer.PASSWORD, 4);
    }

    @AfterAll
    static void stopServer() {
        if (pool != null) {
            pool.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void saysNoPromptlyWhileTheDatabaseIsDownAndYesOnceItIsBackEvenWhenAskedContinually() throws Exception {
        DatabaseHealth health = new DatabaseHealth(pool);
        assertThat(health.isReachable()).isTrue();

        // Killed, so the next check comes well within the 500 ms in which the pool hands a connection
        // out again without testing it itself; and asked as often from then on, so a dead connection
        // that merely reads as not valid would come back to the check every time.
        server.kill();
        long downUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < downUntil) {
            long start = System.nanoTime();
            boolean reachable = health.isReachable();
            assertThat(reachable).as("reachable while the database is down").isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(ANSWER_BOUND);
            Thread.sleep(100);
        }

        server.restart();
        await().atMost(BACK_WITHIN).pollInterval(Duration.ofMillis(100)).until(health::isReachable);
        assertThat(health.isReachable()).isTrue();
    }
}
