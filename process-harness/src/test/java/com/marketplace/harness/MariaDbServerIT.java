package com.marketplace.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server of the harness's own on a data directory of its own (real mariadbd). */
class MariaDbServerIT {

    @TempDir
    Path dir;

    @Test
    void aServerLeftOnTheDataDirectoryByAnEarlierRunIsKilledAndTheNewOneStarts() throws Exception {
        assumeTrue(MariaDbServer.testsCanRun(), MariaDbServer.NOT_INSTALLED);
        // the first server stands for one whose JVM was killed with kill -9: nothing stops it
        MariaDbServer left = MariaDbServer.start(dir);
        ManagedProcess leftProcess = left.process();
        try (MariaDbServer next = MariaDbServer.start(dir)) {
            assertThat(leftProcess.awaitExit(Duration.ofSeconds(30))).as("the server left behind was killed").isTrue();
            try (Connection conn = next.connect("")) {
                assertThat(conn.isValid(5)).isTrue();
            }
        } finally {
            left.close();
        }
    }

    @Test
    void aServerThatDiedIsStartedAgainByARestart() throws Exception {
        assumeTrue(MariaDbServer.testsCanRun(), MariaDbServer.NOT_INSTALLED);
        try (MariaDbServer server = MariaDbServer.start(dir)) {
            server.process().signal(ManagedProcess.Signal.KILL);
            assertThat(server.process().awaitExit(Duration.ofSeconds(30))).isTrue();
            assertThat(server.isRunning()).isFalse();

            server.restart();

            assertThat(server.isRunning()).isTrue();
            try (Connection conn = server.connect("")) {
                assertThat(conn.isValid(5)).isTrue();
            }
        }
    }
}
