package com.marketplace.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server of the harness's own on a data directory of its own (real mariadbd). */
class MariaDbServerIT {

    @TempDir
    Path dir;

    @Test
    void anotherRunsServerIsLeftAloneUntilThatRunIsKilledThenItsLeftoverIsStoppedAndANewOneStarts()
            throws Exception {
        assumeTrue(MariaDbServer.testsCanRun(), MariaDbServer.NOT_INSTALLED);
        Process otherRun = new ProcessBuilder(JavaCommand.mainClass(RunsAServer.class.getName(), List.of(),
                dir.toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("other-run.log").toFile())
                .start();
        long leftPid = -1;
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(dir.resolve("ready")));
            leftPid = Long.parseLong(Files.readString(dir.resolve("mysqld.pid")).trim());
            long left = leftPid;
            Path leftSocket = socketOf(left);
            assertThat(leftSocket).exists();

            assertThatThrownBy(() -> MariaDbServer.start(dir))
                    .as("the other run is alive: its server is not touched")
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another run is using");
            assertThat(ProcessState.running(left)).isTrue();

            otherRun.destroyForcibly(); // kill -9: no shutdown hook stops its server
            assertThat(otherRun.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(ProcessState.running(left)).as("left behind").isTrue();

            try (MariaDbServer next = MariaDbServer.start(dir)) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> !ProcessState.running(left));
                try (Connection conn = next.connect("")) {
                    assertThat(conn.isValid(5)).isTrue();
                }
                assertThat(socketOf(next.process().pid())).as("a socket of its own").isNotEqualTo(leftSocket);
                assertThat(leftSocket.getParent()).as("the killed server's socket, removed with its directory")
                        .doesNotExist();
            }
        } finally {
            otherRun.destroyForcibly();
            if (ProcessState.running(leftPid)) { // the test ended before the new server stopped it
                ProcessHandle.of(leftPid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** Another run: starts a server on the directory given, says so, and runs until it is killed. */
    static final class RunsAServer {

        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            MariaDbServer.start(dir);
            Files.writeString(dir.resolve("ready"), "ready");
            new CountDownLatch(1).await(); // parked until the test kills this JVM with kill -9
        }
    }

    @Test
    void aServerThatDiedIsStartedAgainByARestart() throws Exception {
        assumeTrue(MariaDbServer.testsCanRun(), MariaDbServer.NOT_INSTALLED);
        Path socket;
        try (MariaDbServer server = MariaDbServer.start(dir)) {
            socket = socketOf(server.process().pid());
            server.process().signal(ManagedProcess.Signal.KILL);
            assertThat(server.process().awaitExit(Duration.ofSeconds(30))).isTrue();
            assertThat(server.isRunning()).isFalse();

            server.restart();

            assertThat(server.isRunning()).isTrue();
            try (Connection conn = server.connect("")) {
                assertThat(conn.isValid(5)).isTrue();
            }
            assertThat(socketOf(server.process().pid())).as("the same socket after the restart").isEqualTo(socket);
        }
        assertThat(socket.getParent()).as("the socket's directory, removed with it at the close").doesNotExist();
    }

    /** The Unix socket of the {@code mariadbd} of process {@code pid}, as its command line names it. */
    private static Path socketOf(long pid) throws Exception {
        return Arrays.stream(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).split("\0"))
                .filter(arg -> arg.startsWith("--socket="))
                .map(arg -> Path.of(arg.substring("--socket=".length())))
                .findFirst().orElseThrow();
    }
}
