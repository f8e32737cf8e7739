package com.marketplace.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.marketplace.harness.MariaDbServer;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The readiness check against a MariaDB server of its own, killed and started again, through each
 * driver: while the database is away every check answers "no" within its bound, and once it is back
 * the check says so, however often it was asked meanwhile.
 */
class DatabaseHealthIT {

    /** A probe never waits much longer than the check's own bound (scheduling slack only). */
    private static final Duration ANSWER_BOUND = DatabaseHealth.ANSWER_WITHIN.plusSeconds(1);
    /**
     * After an outage the pool retries opening connections at growing intervals of at most 5 s
     * (HikariCP's back-off); readiness follows the pool, so it may lag the database by that much.
     */
    private static final Duration BACK_WITHIN = Duration.ofSeconds(15);

    /** How long the check is asked, every 100 ms, while the database is down. */
    private static final Duration DOWN_FOR = Duration.ofSeconds(3);

    private record Answer(boolean reachable, Duration took) {
    }

    @TempDir
    static Path dir;

    private static MariaDbServer server;

    @BeforeAll
    static void startServer() {
        assumeTrue(MariaDbServer.testsCanRun(), MariaDbServer.NOT_INSTALLED);
        server = MariaDbServer.start(dir);
        server.recreateDatabase("health");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    /** Through either driver the gateway can use: MySQL Connector/J and MariaDB Connector/J. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdbc:mysql:", "jdbc:mariadb:"})
    void saysNoPromptlyWhileTheDatabaseIsDownAndYesOnceItIsBackEvenWhenAskedContinually(String scheme) {
        String url = scheme.equals("jdbc:mariadb:") ? server.mariadbJdbcUrl("health") : server.jdbcUrl("health");
        try (HikariDataSource pool = DataSources.create(url, MariaDbServer.USER, MariaDbServer.PASSWORD, 4)) {
            checkThroughAnOutage(new DatabaseHealth(pool));
        }
    }

    private static void checkThroughAnOutage(DatabaseHealth health) {
        assertThat(health.isReachable()).isTrue();

        // Killed, so the next check comes well within the 500 ms in which the pool hands a connection
        // out again without testing it itself; and asked as often from then on, so a dead connection
        // that merely reads as not valid would come back to the check every time.
        server.kill();
        List<Answer> answers = new ArrayList<>();
        await().pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .during(DOWN_FOR).atMost(DOWN_FOR.plus(ANSWER_BOUND).plusSeconds(1))
                .until(() -> answers.add(ask(health)));
        assertThat(answers).isNotEmpty().allSatisfy(answer -> {
            assertThat(answer.reachable()).as("reachable while the database is down").isFalse();
            assertThat(answer.took()).isLessThan(ANSWER_BOUND);
        });

        server.restart();
        await().atMost(BACK_WITHIN).pollInterval(Duration.ofMillis(100)).until(health::isReachable);
        assertThat(health.isReachable()).isTrue();
    }

    private static Answer ask(DatabaseHealth health) {
        long start = System.nanoTime();
        boolean reachable = health.isReachable();
        return new Answer(reachable, Duration.ofNanos(System.nanoTime() - start));
    }
}
