package com.marketplace.streams.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marketplace.harness.JavaCommand;
import com.marketplace.harness.ManagedProcess;
import com.marketplace.kafka.embedded.FreePorts;
import com.marketplace.streams.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streams app as a process, sent {@code SIGTERM} while it starts: the stop runs (here it ends the
 * JIT warm-up, which leaves no directory behind) instead of the JVM halting mid-start.
 */
class SignalDuringStartIT {

    @TempDir
    Path work;

    @Test
    void aSigtermWhileTheAppStartsStopsItAndLeavesNoWarmUpBehind() throws IOException {
        Path stateDir = work.resolve("state");
        Path warmUps = stateDir.resolve(".jit-warm-up");
        // no broker listens there: the start waits for its topic check while the warm-up runs
        Map<String, String> env = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + FreePorts.next(),
                "STATE_DIR", stateDir.toString(),
                "HTTP_PORT", Integer.toString(FreePorts.nextOnAllInterfaces()),
                "JIT_WARMUP_EVENTS", "1000000");
        try (ManagedProcess app = ManagedProcess.start("streams-app", JavaCommand.mainClass(Main.class.getName(),
                List.of("-Xmx512m")), env, work.resolve("streams-app.log"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !runs(warmUps).isEmpty() || !app.isAlive());
            assertThat(app.isAlive()).as("started (its output is in %s)", app.logFile()).isTrue();

            app.signal(ManagedProcess.Signal.TERM);

            assertThat(app.awaitExit(Duration.ofSeconds(30))).as("stopped").isTrue();
            assertThat(Files.readString(app.logFile())).contains("shutdown requested, closing streams");
            assertThat(runs(warmUps)).as("the warm-up's directory").isEmpty();
        }
    }

    private static List<Path> runs(Path warmUps) throws IOException {
        if (!Files.isDirectory(warmUps)) {
            return List.of();
        }
        try (Stream<Path> runs = Files.list(warmUps)) {
            return runs.toList();
        }
    }
}
