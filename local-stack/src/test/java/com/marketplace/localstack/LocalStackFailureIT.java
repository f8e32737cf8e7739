package com.marketplace.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marketplace.http.testing.Listening;
import com.marketplace.http.testing.LogCapture;
import com.marketplace.kafka.embedded.FreePorts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stack one of whose services stops on its own says so, as the stand-alone services exit; a closed
 * one does not; and one whose start fails leaves nothing running.
 */
class LocalStackFailureIT {

    @TempDir
    Path dataDir;

    @Test
    void aStreamsClientThatStopsOnItsOwnEndsTheWaitWithWhatStoppedAndACloseWithNothing() throws Exception {
        try (LocalStack stack = new LocalStack(new LocalStackOptions(dataDir, 0, 0, 0, 0)).start()) {
            CompletableFuture<Optional<String>> failure = waitForFailure(stack);

            // When the streams app's Kafka Streams client stops while the stack runs
            stack.streamsApp().streams().close(Duration.ofSeconds(30));

            // Then the wait ends with what stopped
            assertThat(failure.get(60, TimeUnit.SECONDS)).hasValueSatisfying(
                    what -> assertThat(what).contains("streams app's Kafka Streams client"));
        }
    }

    @Test
    void aClosedStackEndsTheWaitWithNoFailure() throws Exception {
        LocalStack stack = new LocalStack(new LocalStackOptions(dataDir, 0, 0, 0, 0)).start();
        CompletableFuture<Optional<String>> failure = waitForFailure(stack);

        stack.close();

        assertThat(failure.get(60, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void aStartThatFailsStopsWhatItStartedAndLeavesTheDataDirectoryToTheNextStack() throws Exception {
        // Given a state directory for the streams app that is a file: its start fails after the broker's
        // and the gateway's
        Path stateDir = Files.writeString(dataDir.resolve("streams-state"), "not a directory");
        int[] ports = FreePorts.distinct(3);
        LocalStackOptions options = new LocalStackOptions(dataDir, ports[0], ports[1], ports[2], 0);
        LocalStack failed = new LocalStack(options);

        try (LogCapture logged = LogCapture.start()) {
            assertThatThrownBy(failed::start).isInstanceOf(RuntimeException.class);
            assertThat(logged.awaitMessage("Order gateway ready at", Duration.ZERO)).as("gateway started").isTrue();
        }

        // Then the failed start left nothing running: its ports are free, and a stack on the same data
        // directory and ports starts
        assertThat(failed.isClosed()).isTrue();
        assertThat(failed.isStopRequested()).as("closed by its failure, not stopped").isFalse();
        assertThat(Arrays.stream(ports).filter(LocalStackFailureIT::listening)).isEmpty();
        Files.delete(stateDir);
        try (LocalStack next = new LocalStack(options).start()) {
            assertThat(listening(ports[1])).isTrue();
        }
    }

    @Test
    void theCommandWhoseStartFailsSaysWhyAndExitsWithOne() throws Exception {
        // Given the gateway's port taken by another process
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Path output = dataDir.resolve("output.txt");
            ProcessBuilder command = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName())
                    .redirectErrorStream(true).redirectOutput(output.toFile());
            command.environment().put(LocalStackOptions.DATA_DIR, dataDir.resolve("stack").toString());
            command.environment().put(LocalStackOptions.GATEWAY_PORT, Integer.toString(taken.getLocalPort()));
            command.environment().put(LocalStackOptions.KAFKA_PORT, "0");
            command.environment().put(LocalStackOptions.STREAMS_PORT, "0");
            command.environment().remove(LocalStackOptions.HTTP_HOST); // the loopback address, where the port is taken

            // When the local stack's command starts
            Process stack = command.start();

            // Then it says why it could not, and exits with 1: not as a stop request would, with 0
            try {
                assertThat(stack.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
            } finally {
                stack.destroyForcibly();
            }
            assertThat(Files.readString(output)).contains("Local stack failed to start",
                    LocalStackOptions.GATEWAY_PORT + " " + taken.getLocalPort() + " is in use");
            assertThat(stack.exitValue()).isEqualTo(1);
        }
    }

    private static boolean listening(int port) {
        return Listening.accepts(InetAddress.getLoopbackAddress(), port);
    }

    private static CompletableFuture<Optional<String>> waitForFailure(LocalStack stack) {
        CompletableFuture<Optional<String>> failure = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                failure.complete(stack.awaitFailure());
            } catch (Throwable e) {
                failure.completeExceptionally(e);
            }
        }, "local-stack-failure-waiter");
        waiter.setDaemon(true);
        waiter.start();
        return failure;
    }
}
