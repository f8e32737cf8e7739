package com.marketplace.gateway.outbox;

import com.marketplace.gateway.upkeep.CleanupPage;
import com.marketplace.gateway.upkeep.PeriodicWork;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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

    private final OutboxTransactions outbox;
    private final OutboxMetrics metrics;
    private final Duration retention;
    private final String owner;
    private final Clock clock;
    private final Duration countsEvery;
    private final Duration cleanupEvery;
    private volatile PeriodicWork counts;
    private volatile PeriodicWork cleanups;
    private boolean closed;

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

    /** @throws IllegalStateException after {@link #close()} */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("outbox upkeep closed");
        }
        counts = PeriodicWork.start("outbox-backlog-counts", "Outbox backlog refresh", Duration.ZERO, countsEvery,
                this::refreshCounts);
        cleanups = PeriodicWork.start("outbox-cleanup", "Outbox cleanup", cleanupEvery, cleanupEvery, this::cleanup);
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
        CleanupPage page = new CleanupPage(0, 0, true);
        // close() interrupts this thread, which the pool's admission lets through when it has room
        while (page.more() && !Thread.currentThread().isInterrupted()) {
            long afterId = page.lastId();
            page = outbox.inTransaction(store -> {
                if (!holdLease(store)) {
                    return null;
                }
                CleanupPage deleted = store.deleteProcessedBefore(cutoff, afterId, CLEANUP_BATCH);
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

    /**
     * Stops the upkeep: interrupts a cleanup between its pages, and returns at once. A statement under
     * way may still run: {@link #awaitStopped()} waits for it before the pool closes.
     */
    @Override
    public synchronized void close() {
        closed = true;
        if (counts != null) {
            counts.stop();
        }
        if (cleanups != null) {
            cleanups.stop();
        }
    }

    /** After {@link #close()}: waits a bounded time for a statement under way ({@link PeriodicWork#awaitStopped}). */
    public void awaitStopped() {
        PeriodicWork.awaitStopped(counts, cleanups);
    }
}
