package com.marketplace.gateway.outbox;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox rows one relay holds a lease on, from claim until their outcome is recorded, and the
 * renewal of that lease while they are in flight.
 *
 * <p>Renewing is what lets the lease be short. A live relay extends its claim every third of a
 * lease, however long the broker takes to acknowledge, so nobody re-sends its rows behind its back;
 * a relay that died (or is paused) stops renewing, and its rows become claimable by any other relay
 * one lease after its last renewal.
 *
 * <p>A renewal that finds rows no longer leased to this relay has been overtaken: its lease ran out
 * (the process was paused, or could not reach the database) and another relay re-claimed them.
 * Those rows are counted in {@code outbox_fenced_total}, logged in one WARN line, and not renewed or
 * recorded again; {@link #finished} tells the relay to skip them. Each lost row is counted once,
 * here or by the relay when its recording is refused.
 */
final class LeaseKeeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);
    private static final Duration MIN_RENEW_INTERVAL = Duration.ofMillis(100);

    private final OutboxTransactions outbox;
    private final RelaySettings settings;
    private final OutboxMetrics metrics;
    private final Clock clock;
    /** Rows claimed and not yet recorded; guarded by {@code this}. */
    private final Set<Long> held = new HashSet<>();
    /** Rows found re-claimed by another relay and not yet handed back by {@link #finished}; guarded by {@code this}. */
    private final Set<Long> lost = new HashSet<>();
    private ScheduledExecutorService renewer;

    LeaseKeeper(OutboxTransactions outbox, RelaySettings settings, OutboxMetrics metrics, Clock clock) {
        this.outbox = outbox;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** How often a held lease is renewed: a third of the lease, so two renewals may fail before it lapses. */
    Duration renewInterval() {
        Duration third = settings.lease().dividedBy(3);
        return third.compareTo(MIN_RENEW_INTERVAL) < 0 ? MIN_RENEW_INTERVAL : third;
    }

    /** Starts renewing in a thread of its own. */
    synchronized void start() {
        renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "outbox-lease-" + settings.relayId());
            thread.setDaemon(true);
            return thread;
        });
        long every = renewInterval().toMillis();
        renewer.scheduleWithFixedDelay(this::renewSafely, every, every, TimeUnit.MILLISECONDS);
    }

    /** Rows this relay has just claimed. */
    synchronized void claimed(List<OutboxRow> rows) {
        rows.forEach(row -> held.add(row.id()));
    }

    /**
     * The relay is about to record the outcome of {@code ids}: stop renewing them.
     *
     * @return those of {@code ids} already known to be re-claimed by another relay; the relay must not update them
     */
    synchronized Set<Long> finished(Collection<Long> ids) {
        Set<Long> skip = new HashSet<>();
        for (Long id : ids) {
            held.remove(id);
            if (lost.remove(id)) {
                skip.add(id);
            }
        }
        return skip;
    }

    /** Number of rows held now. */
    synchronized int heldCount() {
        return held.size();
    }

    private void renewSafely() {
        try {
            renew();
        } catch (RuntimeException e) {
            log.warn("Relay {}: renewing the lease on {} outbox rows failed: {}", settings.relayId(), heldCount(),
                    e.toString());
        }
    }

    /** Extends the lease on every held row, and sets aside those another relay has taken. */
    void renew() {
        Set<Long> snapshot;
        synchronized (this) {
            snapshot = new HashSet<>(held);
        }
        if (snapshot.isEmpty()) {
            return;
        }
        Set<Long> stillHeld = outbox.inTransaction(store -> {
            int renewed = store.renewLease(settings.relayId(), snapshot, clock.instant().plus(settings.lease()));
            return renewed == snapshot.size() ? snapshot : store.heldBy(settings.relayId(), snapshot);
        });
        int taken = 0;
        synchronized (this) {
            for (Long id : snapshot) {
                // a row recorded meanwhile left `held` before its update, so it is not mistaken for a lost one
                if (!stillHeld.contains(id) && held.remove(id)) {
                    lost.add(id);
                    taken++;
                }
            }
        }
        if (taken > 0) {
            metrics.fenced(taken);
            log.warn("Relay {}: lease on {} outbox rows expired and another relay re-claimed them; this relay will "
                    + "not record them", settings.relayId(), taken);
        }
    }

    @Override
    public synchronized void close() {
        if (renewer != null) {
            renewer.shutdownNow();
        }
    }
}
