package com.marketplace.gateway.outbox;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The direct path from an order transaction to this instance's relay, which spares the relay a
 * claim round (a locking select, a claim insert and a commit) for rows it is handed.
 *
 * <p>Before the transaction writes an outbox row that no earlier unfinished event of its order
 * precedes, the writer asks for a {@link Lease} and inserts the row already leased to the relay,
 * so no other relay claims it. After the commit it hands the rows over with
 * {@link #committed(List, Set)} (unless the commit came too late to keep the lease,
 * {@link #canHandOver}: then claim rounds take them once it has run out); the relay publishes
 * them and records them fenced on its lease, exactly like claimed rows. Should the process die
 * before that, the rows are claimable by any relay once the lease expires, as after a crash with
 * claimed rows. A rolled-back transaction hands nothing over and leaves no row.
 */
public interface OutboxHandoff {

    /** No direct path: rows are written unleased and claimed as usual (relay disabled, tests). */
    OutboxHandoff NONE = new OutboxHandoff() {
        @Override
        public Optional<Lease> lease() {
            return Optional.empty();
        }

        @Override
        public void committed(List<OutboxRow> rows, Set<String> unleasedAggregates) {
        }
    };

    /** Who holds a row written for the direct path, and until when. */
    record Lease(String relayId, Instant until) {
    }

    /**
     * A lease for rows about to be written, or empty when the relay takes no more rows directly
     * now (stopped, or enough handed-over rows waiting): those rows are then written unleased.
     */
    Optional<Lease> lease();

    /**
     * Whether rows written under {@code lease} and committed now can still be handed over: the relay
     * renews a handed-over row's lease only at its next renewal, so rows committed too close to the
     * lease's end (a transaction held up for a good part of the lease) could lapse first, be claimed
     * by another relay and be sent twice. Rows that cannot are reported unleased instead; a claim
     * round takes them once the lease has run out. Must not block.
     */
    default boolean canHandOver(Lease lease) {
        return true;
    }

    /**
     * Called after a commit. Must not block and must not throw.
     *
     * @param rows               the committed rows written with a {@link #lease()}
     * @param unleasedAggregates the orders of rows the transaction wrote unleased: a claim round has
     *                           to pick those up, possibly only once an earlier event of the same
     *                           order in flight has been recorded
     */
    void committed(List<OutboxRow> rows, Set<String> unleasedAggregates);
}
