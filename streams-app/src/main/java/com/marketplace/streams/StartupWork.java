package com.marketplace.streams;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Work a start begins early on a daemon thread of its own, so that it runs while the app is built,
 * and awaits before Kafka Streams starts ({@link TopicCheck}, {@link RocksDbLibrary}).
 */
final class StartupWork {

    private final CompletableFuture<Void> done;

    private StartupWork(CompletableFuture<Void> done) {
        this.done = done;
    }

    /** Runs {@code work} on a new daemon thread named {@code threadName}. */
    static StartupWork begin(String threadName, Runnable work) {
        return new StartupWork(CompletableFuture.runAsync(work, task -> {
            Thread thread = new Thread(task, threadName);
            thread.setDaemon(true);
            thread.start();
        }));
    }

    /** Whether the work has ended, normally or not. */
    boolean isDone() {
        return done.isDone();
    }

    /**
     * Waits at most {@code timeout} for the work to end, normally or not.
     *
     * @return whether it has ended
     */
    boolean awaitEnd(Duration timeout) {
        try {
            done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (ExecutionException e) {
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return done.isDone();
        }
    }

    /**
     * Waits for the work. A {@link RuntimeException} it threw is rethrown as it was; anything else
     * (an {@link Error}) comes wrapped in a {@link CompletionException}.
     */
    void await() {
        try {
            done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
