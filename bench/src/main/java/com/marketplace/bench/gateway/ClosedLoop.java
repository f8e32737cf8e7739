package com.marketplace.bench.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * {@code connections} workers, each repeating one operation back to back for a while (closed
 * loop): the rate is what the system under test sustains at that concurrency, and each latency is
 * one operation's own time (no queueing in the client to hide).
 */
final class ClosedLoop {

    /** One worker's operation; {@code i} counts up per worker, {@code worker} is 0..connections-1. */
    interface Operation {
        /** Returns whether it succeeded. */
        boolean run(int worker, long i) throws Exception;
    }

    /** What a run measured: successful operations per second and their latencies in microseconds. */
    record Outcome(int connections, long operations, long failures, double seconds, Histogram latency) {
        double perSecond() {
            return operations / seconds;
        }
    }

    private ClosedLoop() {
    }

    static Outcome run(int connections, Duration length, Operation operation) throws InterruptedException {
        Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        long end = start + length.toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < connections; w++) {
            int worker = w;
            Thread thread = new Thread(() -> {
                Histogram mine = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
                long i = 0;
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    boolean success;
                    try {
                        success = operation.run(worker, i++);
                    } catch (Exception e) {
                        success = false;
                    }
                    if (success) {
                        mine.recordValue(Math.min(mine.getHighestTrackableValue(), (System.nanoTime() - t0) / 1000));
                        ok.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                }
                synchronized (latency) {
                    latency.add(mine);
                }
            }, "load-" + w);
            thread.start();
            workers.add(thread);
        }
        for (Thread t : workers) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Outcome(connections, ok.get(), failed.get(), seconds, latency);
    }
}
