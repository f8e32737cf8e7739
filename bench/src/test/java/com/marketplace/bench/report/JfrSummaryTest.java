package com.marketplace.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The summary of a real JFR recording made in this JVM while one thread spins. */
class JfrSummaryTest {

    private static final String SPIN = JfrSummaryTest.class.getName() + ".spin";
    private static volatile long sink;

    @Test
    void summaryFindsTheBusyMethodAndItsThread(@TempDir Path dir) throws Exception {
        // Given a recording of execution samples every 10 ms while "busy-worker-7" spins for a second
        Path file = Files.createDirectories(dir.resolve("gateway")).resolve("busy.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            recording.start();
            Thread busy = new Thread(() -> spin(Duration.ofSeconds(1)), "busy-worker-7");
            busy.start();
            busy.join();
            recording.stop();
            recording.dump(file);
        }

        // When it is summarised
        JfrSummary summary = JfrSummary.read("busy", file);

        // Then the spinning thread's group and method lead, self and inclusive
        assertThat(summary.samples()).isGreaterThanOrEqualTo(20);
        assertThat(summary.threadGroups().keySet()).first().isEqualTo("busy-worker");
        assertThat(summary.threadGroups().get("busy-worker")).isGreaterThan(summary.samples() / 2);
        assertThat(summary.selfMethods().keySet()).first().isEqualTo(SPIN);
        assertThat(summary.ownMethods()).containsKey(SPIN);
        assertThat(summary.ownMethods().keySet()).allMatch(m -> m.startsWith(JfrSummary.OWN_CODE));
        assertThat(summary.ownMethods().get(SPIN)).isLessThanOrEqualTo(summary.samples());
        // the thread runs a lambda, whose class name would carry its address
        assertThat(summary.ownMethods().keySet()).anyMatch(m -> m.contains("$$Lambda$")).noneMatch(m -> m.contains("0x"));

        // and the scenario's summary names the process by its path under the work directory
        assertThat(JfrSummary.ofDirectory(dir))
                .contains("| **gateway/busy**: ")
                .contains("| busy-worker | ")
                .contains("| `" + SPIN + "` | ");
    }

    @Test
    void threadGroupDropsNumbersIdsAndClientIds() {
        assertThat(JfrSummary.threadGroup("JettyServerThreadPool-23")).isEqualTo("JettyServerThreadPool");
        assertThat(JfrSummary.threadGroup("C2 CompilerThread0")).isEqualTo("C2 CompilerThread");
        assertThat(JfrSummary.threadGroup("kafka-producer-network-thread | producer-1"))
                .isEqualTo("kafka-producer-network-thread");
        assertThat(JfrSummary.threadGroup("order-streams-0b6f3c1e-8f1d-4c2a-9b7e-1a2b3c4d5e6f-StreamThread-1"))
                .isEqualTo("order-streams-StreamThread");
        assertThat(JfrSummary.threadGroup("data-plane-kafka-request-handler-0"))
                .isEqualTo("data-plane-kafka-request-handler");
        assertThat(JfrSummary.threadGroup("outbox-relay-acks-gateway-6dd8ade")).isEqualTo("outbox-relay-acks-gateway");
        assertThat(JfrSummary.threadGroup("kafka-1-raft-io-thread")).isEqualTo("kafka-1-raft-io-thread");
        assertThat(JfrSummary.threadGroup("HikariPool-1 housekeeper")).isEqualTo("HikariPool-1 housekeeper");
        assertThat(JfrSummary.threadGroup("42")).isEqualTo("42");
    }

    @Test
    void aDirectoryWithoutRecordingsHasNoSummaryAndABrokenFileIsNamed(@TempDir Path dir) throws Exception {
        assertThat(JfrSummary.ofDirectory(dir)).isEmpty();
        assertThat(JfrSummary.ofDirectory(dir.resolve("absent"))).isEmpty();

        Files.writeString(dir.resolve("kafka.jfr"), "not a recording");
        assertThat(JfrSummary.ofDirectory(dir)).contains("kafka.jfr` could not be read");
    }

    /** Arithmetic without calls, so that its samples have this method on top of the stack. */
    private static void spin(Duration length) {
        long deadline = System.nanoTime() + length.toNanos();
        long x = 1;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 1_000_000; i++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
            }
        }
        sink = x;
    }
}
