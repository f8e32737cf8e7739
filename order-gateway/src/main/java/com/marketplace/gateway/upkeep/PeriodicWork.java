package com.marketplace.gateway.upkeep;

import com.marketplace.config.StartupFailure;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background database work run at a fixed delay on a daemon thread of its own, such as the outbox's
 * and the idempotency keys' upkeep. A run never stops the ones after it: a failure, an {@link Error}
 * too, is logged and the next run comes as planned. {@link #stop} interrupts a run under way, which
 * the work checks between its transactions, and {@link #awaitStopped} waits up to 5 s from the stop
 * for the statement it may be in: an interrupt does not stop a statement the database is running, and the
 * pool, closed after the stop, would abort it. Between the two the owner may stop other parts, so
 * that the waits overlap.
 */
public final class PeriodicWork {

    private static final Logger log = LoggerFactory.getLogger(PeriodicWork.class);
    /** How long after {@link #stop} {@link #awaitStopped} waits for a statement under way to end. */
    public static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private final String what;
    private final Runnable work;
    private final ScheduledExecutorService thread;
    /** Set by the stop: a failure after it is the stop's doing, not the database's. */
    private volatile boolean stopping;
    /** {@link System#nanoTime()} by which a statement under way at the stop should have ended. */
    private volatile long stopDeadline;

    private PeriodicWork(String threadName, String what, Runnable work) {
        this.what = Objects.requireNonNull(what, "what");
        this.work = Objects.requireNonNull(work, "work");
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@code work} after {@code initialDelay}, then {@code every} after the end of each run.
     *
     * @param what what the work is, as its log lines name it ("Outbox cleanup failed: …")
     */
    public static PeriodicWork start(String threadName, String what, Duration initialDelay, Duration every,
            Runnable work) {
        PeriodicWork periodic = new PeriodicWork(threadName, what, work);
        periodic.thread.scheduleWithFixedDelay(periodic::runOnce, initialDelay.toMillis(), every.toMillis(),
                TimeUnit.MILLISECONDS);
        return periodic;
    }

    private void runOnce() {
        try {
            work.run();
        } catch (RuntimeException e) {
            if (stopping) {
                log.debug("{} ended by the stop: {}", what, e.toString());
            } else {
                // the cause's text too: a storage failure's own message names only the SQL state
                log.warn("{} failed: {}", what, StartupFailure.describe(e));
            }
        } catch (Error e) {
            log.error("{} failed", what, e);
        }
    }

    /**
     * Interrupts a run under way and runs no more; returns at once. A statement under way has
     * {@link #STOP_WAIT} from now to end ({@link #awaitStopped}).
     */
    public void stop() {
        if (!stopping) {
            stopDeadline = System.nanoTime() + STOP_WAIT.toNanos();
            stopping = true;
        }
        thread.shutdownNow();
    }

    /**
     * Waits for the runs under way of {@code works} (null ones left out), stopped before, to end, each
     * until {@link #STOP_WAIT} after its stop: what the owner stopped meanwhile shortens the wait.
     */
    public static void awaitStopped(PeriodicWork... works) {
        try {
            for (PeriodicWork periodic : works) {
                if (periodic != null && !periodic.thread.awaitTermination(
                        Math.max(0, periodic.stopDeadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    log.info("{} still in a statement {} after its stop; the stop goes on without it",
                            periodic.what, STOP_WAIT);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
