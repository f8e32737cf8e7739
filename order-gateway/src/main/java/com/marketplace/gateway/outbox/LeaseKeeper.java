package com.marketplace.gateway.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one relay holds, from claim until the outcome is recorded, and the renewal of it while rows
 * are in flight: claimed batches through one claim each, rows handed over at their commit through a
 * lease of their own (see {@link OutboxStore}).
 *
 * <p>Renewing is what lets the lease be short. A live relay extends its claims and leases every third
 * of a lease, however long the broker takes to acknowledge, so nobody re-sends its rows behind its
 * back while they are in flight; a relay that died (or is paused) stops renewing, and its rows become
 * claimable by any other relay one lease after its last renewal. Renewal of a row ends when its
 * recording begins ({@link #finished}), so that a renewal never finds a row just recorded and takes
 * it for lost: a recording that waits for the database longer than what is left of the lease (at
 * least two thirds of it) may meet the rows re-sent by another relay, a copy the streams app drops.
 *
 * <p>A renewal that finds a claim or a leased row no longer this relay's has been overtaken: the
 * lease ran out (the process was paused, or could not reach the database) and a claim took the rows
 * over. Rows another relay took are counted in {@code outbox_fenced_total} and logged in one WARN
 * line; rows a claim of this relay took (its claim rounds go on while its renewals fail) are not: the
 * relay still has them, through the newer claim. Either way the old hold is not renewed or recorded
 * again; {@link #finished} tells the relay to skip it, and a hand-over row no longer leased is not
 * sent from the hand-over ({@link #stillLeased}). Each row another relay took is counted once, here
 * or by the relay when its recording is refused.
 */
final class LeaseKeeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);
    private static final Duration MIN_RENEW_INTERVAL = Duration.ofMillis(100);

    private final OutboxTransactions outbox;
    private final RelaySettings settings;
    private final OutboxMetrics metrics;
    private final Clock clock;
    /** Rows leased to this relay on their own and not yet recorded; guarded by {@code this}. */
    private final Set<Long> leased = new HashSet<>();
    /** Claims held, each with its rows not yet recorded; guarded by {@code this}. */
    private final Map<Long, Set<Long>> claims = new HashMap<>();
    /**
     * Holds (a row through a lease, or through one claim) found taken over, by another relay or by a
     * newer claim of this one, and not yet handed back by {@link #finished} or {@link #stillLeased};
     * guarded by {@code this}. Keyed by the hold, not the row: this relay may hold the same row again
     * through a claim of its own after losing its lease.
     */
    private final Set<Hold> lost = new HashSet<>();
    /** Claim rounds of this relay begun, and ended ({@link #claimRoundEnded}), so far; guarded by {@code this}. */
    private long claimRoundsStarted;
    private long claimRoundsEnded;
    /**
     * Leased rows, and claims, that a renewal found gone while a claim round of this relay was under
     * way, each with the number of rounds begun by then: judged once those have ended; guarded by
     * {@code this}.
     */
    private final Map<Long, Long> deferredLeases = new HashMap<>();
    private final Map<Long, Long> deferredClaims = new HashMap<>();
    private ScheduledExecutorService renewer;
    /** Renewals that failed since the last one that went through; the renewer thread's own. */
    private int failedRenewals;

    LeaseKeeper(OutboxTransactions outbox, RelaySettings settings, OutboxMetrics metrics, Clock clock) {
        this.outbox = outbox;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * How often a held lease is renewed: a third of the lease. A renewal that fails is tried again
     * after {@link #MIN_RENEW_INTERVAL}, doubling with each failure up to this interval, rather than
     * a whole interval later, so that a database slow to answer for a while (each try may take a
     * transaction's whole bound) still leaves the leases several chances before they lapse, and one
     * that refuses at once is not asked ten times a second.
     */
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
        renewer.schedule(this::renewAndReschedule, renewInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One renewal, then the next: a renewal interval later, or sooner after a failure. */
    private void renewAndReschedule() {
        Duration next = renewInterval();
        try {
            next = renewSafely() ? renewInterval() : retryDelay();
        } catch (Error e) {
            log.error("Relay {}: renewing the leases failed", settings.relayId(), e);
        } finally { // whatever the renewal threw, the leases are renewed again
            try {
                renewer.schedule(this::renewAndReschedule, next.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closed) {
                // close() has shut the renewer down
            }
        }
    }

    /** {@link #MIN_RENEW_INTERVAL} after the first failure in a row, doubling up to the renewal interval. */
    private Duration retryDelay() {
        return RetryBackoff.doubled(MIN_RENEW_INTERVAL, failedRenewals - 1, renewInterval());
    }

    /** A row held through its own lease ({@link OutboxRow#LEASED}) or through the claim {@code claimId}. */
    record Hold(long rowId, long claimId) {

        static Hold of(OutboxRow row) {
            return new Hold(row.id(), row.claimId());
        }
    }

    /** A claim round of this relay begins: until it ends, a renewal defers judging a hold it finds gone. */
    synchronized void claimRoundStarting() {
        claimRoundsStarted++;
    }

    /** The claim round begun last ends, having claimed {@code rows} (none if it failed): see {@link #claimed}. */
    synchronized void claimRoundEnded(List<OutboxRow> rows) {
        claimRoundsEnded++;
        claimed(rows);
    }

    /**
     * Rows this relay has just claimed, or taken over at their commit. A claim of a row this relay
     * held otherwise (by lease, or through an older claim of its own) supersedes that hold: it had run
     * out, or the claim could not have taken the row. The old hold's copy is not sent or recorded
     * ({@link #stillLeased}, {@link #finished}); it is not counted as fenced, since no other relay
     * took the row.
     */
    synchronized void claimed(List<OutboxRow> rows) {
        for (OutboxRow row : rows) {
            if (row.claimed()) {
                Long older = claimHolding(row.id());
                if (older != null && older != row.claimId()) {
                    giveUpClaimedRow(older, row.id());
                    lost.add(new Hold(row.id(), older));
                }
                claims.computeIfAbsent(row.claimId(), claim -> new HashSet<>()).add(row.id());
                if (leased.remove(row.id())) {
                    lost.add(new Hold(row.id(), OutboxRow.LEASED));
                }
            } else if (claimHolding(row.id()) == null) {
                // (handed over after a claim of this relay took it: its commit was reported that late)
                leased.add(row.id());
            }
        }
    }

    /** The held claim that holds row {@code id}, or null; guarded by {@code this}. */
    private Long claimHolding(long id) {
        for (Map.Entry<Long, Set<Long>> claim : claims.entrySet()) {
            if (claim.getValue().contains(id)) {
                return claim.getKey();
            }
        }
        return null;
    }

    /** Row {@code id} no longer held through {@code claimId}, forgotten once it holds none; guarded by {@code this}. */
    private void giveUpClaimedRow(long claimId, long id) {
        Set<Long> ofClaim = claims.get(claimId);
        if (ofClaim != null && ofClaim.remove(id) && ofClaim.isEmpty()) {
            claims.remove(claimId);
        }
    }

    /**
     * Those of {@code rows}, handed over at their commit, that this relay still holds by their lease;
     * the others were taken over (by another relay, or by a claim of this one) and must not be sent
     * from the hand-over as well.
     */
    synchronized List<OutboxRow> stillLeased(List<OutboxRow> rows) {
        List<OutboxRow> held = new ArrayList<>(rows.size());
        for (OutboxRow row : rows) {
            if (leased.contains(row.id())) {
                held.add(row);
            } else {
                lost.remove(Hold.of(row));
            }
        }
        return held;
    }

    /**
     * The relay is about to record the outcome of {@code rows}: stop renewing them (and a claim, once
     * all its rows are finished).
     *
     * @return the holds of those of {@code rows} already known to be taken over (by another relay, or
     *         by a newer claim of this one); the relay must not record them. By hold, not by row: the
     *         same row may be among {@code rows} twice, through a lost hold and through the claim that
     *         took it over, and only the first must be skipped.
     */
    synchronized Set<Hold> finished(Collection<OutboxRow> rows) {
        Set<Hold> skip = new HashSet<>();
        for (OutboxRow row : rows) {
            Hold hold = Hold.of(row);
            if (lost.remove(hold)) {
                skip.add(hold);
            } else if (row.claimed()) {
                giveUpClaimedRow(row.claimId(), row.id());
            } else {
                leased.remove(row.id());
            }
        }
        return skip;
    }

    /**
     * How many of {@code rows}, recorded through the holds they carry, a newer claim of this relay
     * holds now: rows its own claim round took back after that hold lapsed.
     */
    synchronized int heldThroughNewerClaim(Collection<OutboxRow> rows) {
        int count = 0;
        for (OutboxRow row : rows) {
            Long claim = claimHolding(row.id());
            if (claim != null && claim != row.claimId()) {
                count++;
            }
        }
        return count;
    }

    /** Number of rows held now. */
    synchronized int heldCount() {
        return leased.size() + claims.values().stream().mapToInt(Set::size).sum();
    }

    /** @return whether the renewal went through; the first failure in a row is logged as a warning */
    private boolean renewSafely() {
        try {
            renew();
            if (failedRenewals > 0) {
                log.info("Relay {}: leases renewed again after {} failed renewal(s)", settings.relayId(),
                        failedRenewals);
                failedRenewals = 0;
            }
            return true;
        } catch (RuntimeException e) {
            failedRenewals++;
            if (failedRenewals == 1) {
                log.warn("Relay {}: renewing the lease on {} outbox rows failed, trying again: {}",
                        settings.relayId(), heldCount(), e.toString());
            } else {
                log.debug("Relay {}: renewal failed again ({} in a row): {}", settings.relayId(), failedRenewals,
                        e.toString());
            }
            return false;
        }
    }

    /** What a renewal found still held. */
    private record Held(Set<Long> leasedRows, Set<Long> claims) {
    }

    /** Extends every held claim and lease, and sets aside the rows another relay has taken. */
    void renew() {
        Set<Long> leasedSnapshot;
        Set<Long> claimSnapshot;
        synchronized (this) {
            leasedSnapshot = new HashSet<>(leased);
            claimSnapshot = new HashSet<>(claims.keySet());
        }
        if (leasedSnapshot.isEmpty() && claimSnapshot.isEmpty()) {
            return;
        }
        String relayId = settings.relayId();
        // claims before rows, in the order a recording takes their locks (it ends its claims first),
        // so that a renewal and a recording of the same rows never wait for each other in a circle
        Held stillHeld = outbox.inTransaction(store -> {
            Instant until = clock.instant().plus(settings.lease());
            Set<Long> held = store.renewClaims(relayId, claimSnapshot, until) == claimSnapshot.size()
                    ? claimSnapshot : store.claimsHeldBy(relayId, claimSnapshot);
            Set<Long> rows = store.renewLease(relayId, leasedSnapshot, until) == leasedSnapshot.size()
                    ? leasedSnapshot : store.heldBy(relayId, leasedSnapshot);
            return new Held(rows, held);
        });
        int taken = 0;
        synchronized (this) {
            for (Long id : leasedSnapshot) {
                // a row recorded meanwhile left `leased` before its update, so it is not mistaken for a lost one
                if (stillHeld.leasedRows().contains(id) || !leased.contains(id) || judgingWaits(deferredLeases, id)) {
                    continue;
                }
                leased.remove(id);
                lost.add(new Hold(id, OutboxRow.LEASED));
                taken++;
            }
            for (Long claim : claimSnapshot) {
                // likewise a claim whose rows were all recorded meanwhile has left `claims`
                if (stillHeld.claims().contains(claim) || !claims.containsKey(claim)
                        || judgingWaits(deferredClaims, claim)) {
                    continue;
                }
                Set<Long> rows = claims.remove(claim);
                rows.forEach(id -> lost.add(new Hold(id, claim)));
                taken += rows.size();
            }
            deferredLeases.keySet().retainAll(leased);
            deferredLeases.keySet().removeAll(stillHeld.leasedRows());
            deferredClaims.keySet().retainAll(claims.keySet());
            deferredClaims.keySet().removeAll(stillHeld.claims());
        }
        if (taken > 0) {
            metrics.fenced(taken);
            log.warn("Relay {}: lease on {} outbox rows expired and another relay re-claimed them; this relay will "
                    + "not record them", settings.relayId(), taken);
        }
    }

    /**
     * Whether judging a hold found gone ({@code key} in {@code deferred}'s kind) waits: a claim round
     * of this relay under way when it was first found gone may have taken it (committed, not yet
     * reported to {@link #claimed}), so it waits until every round begun by then has ended. A hold
     * still here after that was taken by another relay. Guarded by {@code this}.
     */
    private boolean judgingWaits(Map<Long, Long> deferred, long key) {
        Long roundsBegun = deferred.get(key);
        if (roundsBegun == null) {
            if (claimRoundsEnded == claimRoundsStarted) {
                return false;
            }
            deferred.put(key, claimRoundsStarted);
            return true;
        }
        if (claimRoundsEnded < roundsBegun) {
            return true;
        }
        deferred.remove(key);
        return false;
    }

    @Override
    public synchronized void close() {
        if (renewer != null) {
            renewer.shutdownNow();
        }
    }
}
