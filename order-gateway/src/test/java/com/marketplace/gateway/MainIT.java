package com.marketplace.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marketplace.gateway.support.TestDatabase;
import com.marketplace.harness.JavaCommand;
import com.marketplace.harness.ManagedProcess;
import com.marketplace.kafka.embedded.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's {@code main} as a process of its own: a configuration it cannot run with ends it with
 * exit code 2 and one line naming the variable, whether the rule is checked when the environment is
 * read or only when the start meets it (docs/operations.md, "Environment variables"); a stop signal
 * during the start lets the start end, and stops what it started.
 */
class MainIT {

    @TempDir
    Path dir;

    @Test
    void aValueOfTheWrongTypeEndsTheStartWithExitCode2() throws Exception {
        Result result = runMain(Map.of("HTTP_PORT", "http"));

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).contains("invalid configuration: HTTP_PORT");
    }

    @Test
    void aDatabaseUrlNoDriverTakesEndsTheStartWithExitCode2WithoutItsPassword() throws Exception {
        Result result = runMain(Map.of("DB_URL", "jdbc:postgresql://app:s3cret@db/orders", "HTTP_PORT", "0"));

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).contains("invalid configuration: DB_URL").doesNotContain("s3cret");
    }

    @Test
    void aStopSignalDuringTheStartLetsTheStartEndAndStopsWhatItStarted() throws Exception {
        // Given a gateway whose start, after the schema's migration, waits 10 s for a broker that is not there
        Path log = dir.resolve("gateway-stopped-while-starting.log");
        Map<String, String> env = Map.of("DB_URL", TestDatabase.url(), "DB_USER", TestDatabase.user(),
                "DB_PASSWORD", TestDatabase.password(), "HTTP_PORT", "0",
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + FreePorts.next());
        try (ManagedProcess gateway = ManagedProcess.start("gateway",
                JavaCommand.mainClass(Main.class.getName(), List.of()), env, log)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("Database schema at"));

            // When it is signalled to stop before its start has ended
            gateway.signal(ManagedProcess.Signal.TERM);

            // Then the start goes on to its end, and the stop stops what it started: in the middle of the
            // schema's migration a JVM that halted at once would leave tables without their migration's record
            assertThat(gateway.awaitExit(Duration.ofSeconds(60))).as("ended").isTrue();
        }
        String output = Files.readString(log);
        int asked = output.indexOf("asked to stop while starting");
        int listening = output.indexOf("Order gateway listening on port");
        assertThat(asked).as("the signal came during the start").isNotNegative();
        assertThat(listening).as("the start ended after the signal").isGreaterThan(asked);
        // the relay's preparation of its topics, still waiting for the broker, is cut short by the stop
        assertThat(output.substring(listening)).contains("Order gateway stopped").doesNotContain("still running");
    }

    private record Result(int exitCode, String output) {
    }

    private Result runMain(Map<String, String> env) throws Exception {
        Path log = dir.resolve("gateway.log");
        try (ManagedProcess gateway = ManagedProcess.start("gateway",
                JavaCommand.mainClass(Main.class.getName(), List.of()), env, log)) {
            if (!gateway.awaitExit(Duration.ofSeconds(60))) {
                throw new AssertionError("the gateway did not end within 60 s");
            }
            return new Result(gateway.exitValue(), Files.readString(log));
        }
    }
}
