package com.marketplace.gateway.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background upkeep of the outbox: refreshes the backlog gauges every few seconds and deletes
 * PROCESSED rows older than the retention. Cleanup runs on one instance at a time (a lease in
 * {@code outbox_leases}) and deletes in bounded batches, each in its own short transaction, so it
 * never holds many locks or a long transaction next to live traffic. The two run on threads of
 * their own: a cleanup may take minutes on a large table, and the gauges must not stand still
 * (or the oldest row's age climb) meanwhile.
 */
public final class OutboxMaintenance implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OutboxMaintenance.class);
    static final String CLEANUP_LEASE = "cleanup";
    static final int CLEANUP_BATCH = 5_000;
    static final Duration COUNTS_EVERY = Duration.ofSeconds(5);
    static final Duration CLEANUP_EVERY = Duration.ofMinutes(1);
    /**
     * How long {@link #close()} waits for a statement under way to end. An interrupt does not stop a
     * statement the database is running, and the pool closed under it would abort it.
     */
    static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private final OutboxTransactions outbox;
    private final OutboxMetrics metrics;
    private final Duration retention;
    private final String owner;
    private final Clock clock;
    private final Duration countsEvery;
    private final Duration cleanupEvery;
    private final ScheduledExecutorService counts = daemonScheduler("outbox-backlog-counts");
    private final ScheduledExecutorService cleanups = daemonScheduler("outbox-cleanup");
    /** Set by {@link #close()}: a task's failure after it is the stop's doing, not the database's. */
    private volatile boolean closing;

    public OutboxMaintenance(OutboxTransactions outbox, OutboxMetrics metrics, Duration retention, String owner,
            Clock clock) {
        this(outbox, metrics, retention, owner, clock, COUNTS_EVERY, CLEANUP_EVERY);
    }

    /** With the gauges refreshed every {@code countsEvery} and a cleanup every {@code cleanupEvery}. */
    OutboxMaintenance(OutboxTransactions outbox, OutboxMetrics metrics, Duration retention, String owner,
            Clock clock, Duration countsEvery, Duration cleanupEvery) {
        this.outbox = outbox;
        this.metrics = metrics;
        this.retention = retention;
        this.owner = owner;
        this.clock = clock;
        this.countsEvery = countsEvery;
        this.cleanupEvery = cleanupEvery;
    }

    public void start() {
        counts.scheduleWithFixedDelay(() -> quietly("backlog refresh", this::refreshCounts),
                0, countsEvery.toMillis(), TimeUnit.MILLISECONDS);
        cleanups.scheduleWithFixedDelay(() -> quietly("cleanup", this::cleanup),
                cleanupEvery.toMillis(), cleanupEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads the backlog counts into the gauges. */
    OutboxCounts refreshCounts() {
        OutboxCounts counts = outbox.inTransaction(OutboxStore::counts);
        metrics.backlog(counts);
        return counts;
    }

    /**
     * Deletes PROCESSED rows older than the retention if this instance holds the cleanup lease. Each
     * page of the walk takes (or extends) the lease in its own transaction, before its delete, and
     * extends it again after: a page may take minutes on a slow database, and a lease taken once for
     * the whole walk could run out under one, letting a second instance clean beside it. The lease's
     * row stays locked until the page commits, so another instance's attempt waits for it, and then
     * finds the lease held for another {@code 2 × cleanupEvery} from the page's end.
     *
     * @return rows deleted (0 when another instance holds the lease)
     */
    int cleanup() {
        Instant cutoff = clock.instant().minus(retention);
        int total = 0;
        OutboxStore.CleanupPage page = new OutboxStore.CleanupPage(0, 0, true);
        // close() interrupts this thread, which the pool's admission lets through when it has room
        while (page.more() && !Thread.currentThread().isInterrupted()) {
            long afterId = page.lastId();
            page = outbox.inTransaction(store -> {
                if (!holdLease(store)) {
                    return null;
                }
                OutboxStore.CleanupPage deleted = store.deleteProcessedBefore(cutoff, afterId, CLEANUP_BATCH);
                holdLease(store);
                return deleted;
            });
            if (page == null) {
                log.debug("Outbox cleanup {}: another instance holds the lease", total == 0 ? "skipped" : "stopped");
                break;
            }
            total += page.deleted();
        }
        if (total > 0) {
            log.info("Outbox cleanup deleted {} PROCESSED rows older than {}", total, cutoff);
        }
        return total;
    }

    /** Takes or extends the cleanup lease for {@code 2 × cleanupEvery} from now; whether this instance holds it. */
    private boolean holdLease(OutboxStore store) {
        Instant now = clock.instant();
        return store.acquireLease(CLEANUP_LEASE, owner, now, now.plus(cleanupEvery.multipliedBy(2)));
    }

    private static ScheduledExecutorService daemonScheduler(String threadName) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs one upkeep task, which never throws: a scheduled task that throws is never run again, so
     * an {@link Error} too is logged and the next run comes as planned, as the lease keeper's does.
     */
    private void quietly(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            if (closing) {
                log.debug("Outbox {} ended by the stop: {}", what, e.toString());
            } else {
                log.warn("Outbox {} failed: {}", what, e.toString());
            }
        } catch (Error e) {
            log.error("Outbox {} failed", what, e);
        }
    }

    /**
     * Stops the upkeep: interrupts a cleanup between its pages and waits up to {@link #STOP_WAIT}
     * for a statement under way to end, so that the pool, closed after this, does not abort it.
     */
    @Override
    public void close() {
        closing = true;
        counts.shutdownNow();
        cleanups.shutdownNow();
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        try {
            boolean ended = counts.awaitTermination(STOP_WAIT.toNanos(), TimeUnit.NANOSECONDS)
                    & cleanups.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (!ended) {
                log.info("Outbox upkeep still running a statement after {}; the stop goes on without it", STOP_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
