package com.marketplace.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stack one of whose services stops on its own says so, as the stand-alone services exit; a closed one does not. */
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
