package com.marketplace.gateway.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Runs tasks on several threads released at the same moment, and collects their results. */
public final class Concurrently {

    private Concurrently() {
    }

    /**
     * Runs {@code task(threadIndex)} on {@code threads} threads that start together.
     *
     * @return each thread's result, in thread order
     * @throws IllegalStateException when a task fails or the whole run takes longer than the timeout
     */
    public static <T> List<T> run(int threads, IntFunction<Callable<T>> task) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<T> work = task.apply(i);
                futures.add(pool.submit(() -> {
                    start.await();
                    return work.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(5, TimeUnit.MINUTES));
            }
            return results;
        } catch (ExecutionException e) {
            throw new IllegalStateException("a concurrent task failed", e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("concurrent run did not finish", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
