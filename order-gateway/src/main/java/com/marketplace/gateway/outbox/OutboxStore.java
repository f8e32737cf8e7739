package com.marketplace.gateway.outbox;

import com.marketplace.gateway.upkeep.CleanupPage;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The outbox as the relay, its lease keeper, its upkeep and the operator actions see it, inside one
 * transaction (see {@link OutboxTransactions}). Failures are reported as {@link OutboxStorageException}.
 *
 * <p>Claiming follows three rules. Rows are selected by status and due time, never by an id
 * watermark, so a row whose transaction commits late is still picked up. A row is claimable only
 * while no earlier event of the same order is unfinished (PENDING, held or FAILED), so events of
 * one order leave in outbox order whatever the number of relays. A relay holds what it claims until
 * a lease runs out: a claimed batch through one claim (an {@code outbox_claims} row covering the
 * batch's ids), a row handed over at its commit through a lease in the row itself
 * ({@code claimed_by}, {@code claimed_until}). Every later update is fenced on that hold: a claim's
 * rows are recorded only in the transaction that ends the claim, and a leased row's update requires
 * {@code claimed_by} to name the relay. A relay whose hold ran out and was taken over cannot
 * overwrite the newer owner's work: its update matches nothing, and the count it gets back says so.
 */
public interface OutboxStore {

    /**
     * Claims up to {@code limit} claimable rows in id order for {@code relayId} until
     * {@code leaseUntil}, skipping rows another transaction has locked, through one claim that covers
     * them all (expired claims are taken over first). Run it in a short transaction of its own,
     * committed before publishing: no lock is held across Kafka I/O.
     *
     * @return the rows, each carrying the claim's id ({@link OutboxRow#claimId()})
     */
    List<OutboxRow> claim(String relayId, Instant now, Instant leaseUntil, int limit);

    /**
     * Ends {@code relayId}'s claim {@code claimId}; call it first in the transaction that records the
     * outcomes of the claim's rows.
     *
     * @return false when the claim ran out and another relay took its rows over: none of their
     *         outcomes may be recorded
     */
    boolean endClaim(String relayId, long claimId);

    /**
     * Locks the rows {@code ids} until the transaction ends, in id order: the order in which a lease
     * renewal takes them, so that a transaction that goes on to update them in another order never
     * waits for a renewal that waits for it.
     */
    void lockRows(Collection<Long> ids);

    /**
     * Marks rows PROCESSED if they are still {@code relayId}'s: leased to it, or held through a claim
     * ended in this transaction.
     *
     * @return how many rows were marked; fewer than asked means the others were fenced off
     */
    int markProcessed(String relayId, Collection<OutboxRow> rows, Instant now);

    /**
     * Records a failed attempt of a row that is still {@code relayId}'s (as for
     * {@link #markProcessed}): the retry count goes up when the attempt {@code counts} toward the
     * attempts allowed, the lease is released, and the row either waits until {@code nextAttemptAt}
     * (PENDING) or is parked (FAILED).
     *
     * @return whether the row was still this relay's to update
     */
    boolean recordFailure(String relayId, OutboxRow row, OutboxStatus newStatus, Instant nextAttemptAt, String error,
            boolean counts);

    /**
     * Gives up {@code relayId}'s hold on rows it will not publish, so they are claimable at once
     * (rows of a claim ended in this transaction are free already).
     *
     * @return how many rows were released; fewer than asked means the others were fenced off
     */
    int release(String relayId, Collection<OutboxRow> rows);

    /**
     * Extends {@code relayId}'s lease on the rows {@code ids} to {@code leaseUntil}, on those it still
     * holds; rows another relay has re-claimed, or that have left PENDING, are not touched.
     *
     * @return how many rows were renewed
     */
    int renewLease(String relayId, Collection<Long> ids, Instant leaseUntil);

    /** Those of the rows {@code ids} that are leased to {@code relayId} now. */
    Set<Long> heldBy(String relayId, Collection<Long> ids);

    /**
     * Extends {@code relayId}'s claims {@code claimIds} to {@code leaseUntil}, those it still holds.
     *
     * @return how many claims were renewed
     */
    int renewClaims(String relayId, Collection<Long> claimIds, Instant leaseUntil);

    /** Those of the claims {@code claimIds} that {@code relayId} holds now. */
    Set<Long> claimsHeldBy(String relayId, Collection<Long> claimIds);

    /**
     * One page of cleanup: reads up to {@code window} PROCESSED rows with an id above
     * {@code afterId}, in id order, and deletes those processed before {@code cutoff}. A row
     * processed late is stepped over and kept until it expires itself.
     */
    CleanupPage deleteProcessedBefore(Instant cutoff, long afterId, int window);

    /**
     * Takes or renews the named lease (e.g. the cleanup's) for {@code owner} until {@code until}, if
     * it is free, expired or already {@code owner}'s.
     *
     * @return whether {@code owner} holds the lease now
     */
    boolean acquireLease(String name, String owner, Instant now, Instant until);

    /**
     * Counts PENDING and FAILED rows and finds the creation time of the oldest PENDING one that no
     * FAILED row of its order holds back.
     */
    OutboxCounts counts();

    /** The oldest FAILED rows, at most {@code limit}. */
    List<FailedOutboxEvent> findFailed(int limit);

    /**
     * Puts a FAILED row back to PENDING with a fresh attempt budget, due at once.
     *
     * @return false when no FAILED row has that eventId
     */
    boolean retryFailed(UUID eventId);

    /** The status of the row with this eventId, if there is one. */
    Optional<OutboxStatus> statusOf(UUID eventId);
}
