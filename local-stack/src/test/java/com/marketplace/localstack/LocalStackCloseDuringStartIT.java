package com.marketplace.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marketplace.http.testing.Listening;
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
 * A stop requested while the stack is still starting (a Ctrl-C during start-up): it does not wait for
 * the start to finish, the start ends, and nothing it started is left running. And a stop requested
 * while another thread is stopping the stack (a Ctrl-C while a failure stops it) returns only once
 * that stop has ended: the shutdown hook must not let the JVM halt in the middle of it.
 */
class LocalStackCloseDuringStartIT {

    @TempDir
    Path dataDir;

    @Test
    void aCloseDuringStartUpStopsWhatHasStartedWithoutWaitingForTheRest() throws Exception {
        int[] ports = FreePorts.distinct(3);
        int kafkaPort = ports[0];
        int gatewayPort = ports[1];
        int streamsPort = ports[2];
        LocalStack stack = new LocalStack(new LocalStackOptions(dataDir, kafkaPort, gatewayPort, streamsPort, 0));
        CompletableFuture<LocalStack> started = CompletableFuture.supplyAsync(stack::start);
        // the broker answers: the start has gone on to the gateway and the streams app
        await().atMost(Duration.ofSeconds(60)).until(() -> listening(kafkaPort) || started.isDone());
        assertThat(started).as("still starting").isNotDone();

        long closing = System.nanoTime();
        stack.close();
        Duration closeTook = Duration.ofNanos(System.nanoTime() - closing);

        assertThat(stack.isClosed()).isTrue();
        try {
            started.get(60, TimeUnit.SECONDS);
            throw new AssertionError("the start completed on a closed stack (close took " + closeTook + ")");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(IllegalStateException.class);
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
