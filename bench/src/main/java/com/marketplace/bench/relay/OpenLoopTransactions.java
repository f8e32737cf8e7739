package com.marketplace.bench.relay;

import com.marketplace.bench.gateway.OrderTransaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes {@link OrderTransaction}s at a fixed rate, open loop: transaction i is due at
 * {@code start + i / rate} and handed to a pool of writers whether or not earlier ones finished,
 * so a slow database cannot slow the load down. Notes when each commit returned.
 */
final class OpenLoopTransactions {

    /** One transaction: when it was due and when its commit returned ({@link System#nanoTime()}), its order id. */
    record Committed(long dueNanos, long committedNanos, long orderId) {
    }

    private OpenLoopTransactions() {
    }

    static List<Committed> run(OrderTransaction tx, int rate, Duration length) throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(16);
        try {
            long total = length.toSeconds() * rate;
            double interval = TimeUnit.SECONDS.toNanos(1) / (double) rate;
            long start = System.nanoTime();
            List<Future<Committed>> futures = new ArrayList<>();
            for (long i = 0; i < total; i++) {
                long due = start + (long) (i * interval);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                long buyer = 1 + i % 5_000;
                futures.add(writers.submit(() -> {
                    long id = tx.write(buyer);
                    return new Committed(due, System.nanoTime(), id);
                }));
            }
            List<Committed> done = new ArrayList<>();
            for (Future<Committed> f : futures) {
                done.add(f.get(60, TimeUnit.SECONDS));
            }
            return done;
        } finally {
            writers.shutdownNow();
        }
    }
}
