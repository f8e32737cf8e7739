package com.marketplace.streams.query;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs a query's reads of this instance's stores on threads of their own, and gives up on one that
 * has not ended within a bound. A read of a cached store waits for the store's lock, which a commit
 * holds while it writes the cache out through the producer; a producer waiting for a full buffer or
 * for metadata holds it up to {@code max.block.ms}. Without the bound, the query's request thread
 * would wait as long; with it, the query is unavailable (503) at the bound and the read ends on its
 * own thread when the store lets it. At most {@code maxThreads} reads run at once; one more is
 * unavailable at once, so reads stuck behind a store never pile up without limit.
 */
final class BoundedReads {

    private final ThreadPoolExecutor threads;
    private final Duration timeout;

    BoundedReads(int maxThreads, Duration timeout) {
        this.timeout = timeout;
        AtomicInteger count = new AtomicInteger();
        this.threads = new ThreadPoolExecutor(0, maxThreads, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread thread = new Thread(r, "store-read-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * The result of {@code read}, run on a reader thread; its exception as it threw it.
     *
     * @throws StoreUnavailableException when every reader thread is busy, or the read did not end within
     *                                   the bound (it is interrupted and ends on its own), or the
     *                                   calling thread was interrupted meanwhile
     */
    <T> T read(Supplier<T> read) {
        Future<T> result;
        try {
            result = threads.submit(read::get);
        } catch (RejectedExecutionException e) {
            throw new StoreUnavailableException("every store reader is busy: reads wait for a store", e);
        }
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("a store read failed", e.getCause());
        } catch (TimeoutException e) {
            result.cancel(true);
            throw new StoreUnavailableException("a store read did not end within " + timeout
                    + " (the store is held by a commit waiting for the broker)", e);
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while reading a store", e);
        }
    }
}
