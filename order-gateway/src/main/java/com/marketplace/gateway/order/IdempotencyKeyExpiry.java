package com.marketplace.gateway.order;

import com.marketplace.gateway.upkeep.CleanupPage;
import com.marketplace.gateway.upkeep.PeriodicWork;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes idempotency keys older than their retention ({@code IDEMPOTENCY_KEY_RETENTION}) at start
 * and every minute after, in pages of {@link #PAGE} keys, each in its own short transaction beside live traffic. A
 * key is kept for its retention, as the gateways' clocks tell it: until then the same key and body
 * answer the order it made; after it they may make a new order. Every gateway runs it: two walks at
 * once delete each key once, the second finding it gone, and neither deletes a key made anew since
 * it read its page ({@code JdbcIdempotencyRepository#deleteBefore}).
 */
public final class IdempotencyKeyExpiry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyKeyExpiry.class);
    static final int PAGE = 1_000;
    static final Duration EVERY = Duration.ofMinutes(1);

    private final OrderTransactions transactions;
    private final Duration retention;
    private final Clock clock;
    private volatile PeriodicWork walks;
    private boolean closed;

    /** @param transactions transactions whose statements may run longer than a request's (the upkeep's) */
    public IdempotencyKeyExpiry(OrderTransactions transactions, Duration retention, Clock clock) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.retention = Objects.requireNonNull(retention, "retention");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** @throws IllegalStateException after {@link #close()} */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("idempotency key expiry closed");
        }
        // a first walk at once: the keys that expired while no gateway ran go now, not a minute after
        walks = PeriodicWork.start("idempotency-key-expiry", "Idempotency key expiry", Duration.ZERO, EVERY,
                this::expire);
    }

    /**
     * Deletes the keys created before now minus the retention, page by page in order id order, until
     * a page ends on a younger key or the walk is interrupted (by {@link #close()}).
     *
     * @return keys deleted
     */
    int expire() {
        Instant cutoff = clock.instant().minus(retention);
        int total = 0;
        CleanupPage page = new CleanupPage(0, 0, true);
        while (page.more() && !Thread.currentThread().isInterrupted()) {
            long afterOrderId = page.lastId();
            page = transactions.inTransaction(store -> store.deleteIdempotencyKeysBefore(cutoff, afterOrderId, PAGE));
            total += page.deleted();
        }
        if (total > 0) {
            log.info("Deleted {} idempotency keys created before {}", total, cutoff);
        }
        return total;
    }

    /**
     * Stops the walks: interrupts one under way between its pages, and returns at once. A statement
     * under way may still run: {@link #awaitStopped()} waits for it before the pool closes.
     */
    @Override
    public synchronized void close() {
        closed = true;
        if (walks != null) {
            walks.stop();
        }
    }

    /** After {@link #close()}: waits a bounded time for a statement under way ({@link PeriodicWork#awaitStopped}). */
    public void awaitStopped() {
        PeriodicWork.awaitStopped(walks);
    }
}
