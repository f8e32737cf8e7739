package com.marketplace.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marketplace.http.testing.Listening;
import com.marketplace.http.testing.LogCapture;
import com.marketplace.kafka.embedded.FreePorts;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stop requested while the stack is still starting (a Ctrl-C during start-up): the start ends with
 * the component it was starting, and nothing it started is left running. And a stop requested
 * while another thread is stopping the stack (a Ctrl-C while a failure stops it) returns only once
 * that stop has ended: the shutdown hook must not let the JVM halt in the middle of it.
 */
class LocalStackCloseDuringStartIT {

    @TempDir
    Path dataDir;

    @Test
    void aCloseDuringStartUpEndsTheStartWithoutStoppingWhatTheComponentBeingStartedNeeds() throws Exception {
        int[] ports = FreePorts.distinct(3);
        int kafkaPort = ports[0];
        int gatewayPort = ports[1];
        int streamsPort = ports[2];
        LocalStack stack = new LocalStack(new LocalStackOptions(dataDir, kafkaPort, gatewayPort, streamsPort, 0));
        CompletableFuture<LocalStack> started;
        try (LogCapture logged = LogCapture.start()) {
            started = CompletableFuture.supplyAsync(stack::start);
            // the broker has started; the start goes on to the gateway, whose start needs the broker
            assertThat(logged.awaitMessage("Kafka broker ready at", Duration.ofSeconds(60))).isTrue();
            assertThat(started).as("still starting").isNotDone();

            long closing = System.nanoTime();
            stack.close();
            // as long as the gateway takes to start (a few seconds, more on a loaded machine), not a hang;
            // that the broker was not stopped under the gateway is checked by how the start ended, below
            assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(30));
        }

        assertThat(stack.isClosed()).isTrue();
        assertThat(stack.isStopRequested()).isTrue();
        try {
            started.get(60, TimeUnit.SECONDS);
            throw new AssertionError("the start completed on a closed stack");
        } catch (ExecutionException e) {
            // ended by the stop request: not by a gateway that failed to start (after its Kafka clients'
            // timeouts) because the broker was stopped under it
            assertThat(e.getCause()).isInstanceOf(IllegalStateException.class)
                    .hasMessage("local stack closed during start-up")
                    .hasNoSuppressedExceptions();
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !listening(kafkaPort) && !listening(gatewayPort) && !listening(streamsPort));
    }

    @Test
    void aCloseWhileAnotherThreadClosesTheStackReturnsOnceThatCloseHasEnded() {
        int[] ports = FreePorts.distinct(3);
        LocalStack stack = new LocalStack(new LocalStackOptions(dataDir, ports[0], ports[1], ports[2], 0));
        stack.start();
        CompletableFuture<Void> first = CompletableFuture.runAsync(stack::close);
        await().atMost(Duration.ofSeconds(10)).until(stack::isClosed);

        stack.close();

        // the streams app, the gateway and the broker are stopped by the time the second call returns
        assertThat(listening(ports[0]) || listening(ports[1]) || listening(ports[2])).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(first::isDone);
    }

    private static boolean listening(int port) {
        return Listening.accepts(InetAddress.getLoopbackAddress(), port);
    }
}
