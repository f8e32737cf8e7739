package com.marketplace.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JVM that ends with processes still running (a run cut short) takes them with it. */
class ManagedProcessReaperTest {

    @TempDir
    Path dir;

    @Test
    void processesStillRunningWhenTheJvmEndsAreStoppedSuspendedOnesIncluded() throws Exception {
        Process jvm = new ProcessBuilder(JavaCommand.mainClass(LeavesProcessesBehind.class.getName(), List.of(),
                dir.toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("jvm.log").toFile())
                .start();
        assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).as("the JVM ended; its output is in jvm.log").isTrue();
        List<Long> pids = Files.readAllLines(dir.resolve("pids")).stream().map(Long::parseLong).toList();
        assertThat(pids).hasSize(2);

        await().atMost(Duration.ofSeconds(30)).until(() -> pids.stream().noneMatch(ProcessState::running));
    }

    /** Starts two long sleeps, suspends one with SIGSTOP, writes their pids, and ends without closing them. */
    static final class LeavesProcessesBehind {

        public static void main(String[] args) throws IOException {
            Path dir = Path.of(args[0]);
            ManagedProcess running = ManagedProcess.start("sleep-running", List.of("sleep", "600"), Map.of(),
                    dir.resolve("running.log"));
            ManagedProcess suspended = ManagedProcess.start("sleep-suspended", List.of("sleep", "600"), Map.of(),
                    dir.resolve("suspended.log"));
            suspended.signal(ManagedProcess.Signal.STOP);
            Files.write(dir.resolve("pids"), List.of(Long.toString(running.pid()), Long.toString(suspended.pid())));
            System.exit(0);
        }
    }
}
