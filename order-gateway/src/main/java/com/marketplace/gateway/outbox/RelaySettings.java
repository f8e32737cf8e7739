package com.marketplace.gateway.outbox;

import java.time.Duration;
import java.util.Objects;

/**
 * How a relay claims and retries.
 *
 * @param relayId       this relay's identity, written to {@code claimed_by} and
 *                      {@code outbox_claims.relay_id}; unique per running relay, 1-40 printable ASCII
 *                      characters
 * @param batchSize     rows claimed per round
 * @param pollInterval  fallback wait between rounds when not woken by a commit
 * @param lease         how long a claim stays exclusive without renewal; the relay renews it every third
 *                      of a lease while the rows are in flight (see {@code LeaseKeeper})
 * @param maxAttempts   attempts before a row is parked as FAILED
 * @param backoffBase   delay after the first failed attempt; doubles per attempt, with jitter
 * @param backoffMax    upper bound of the retry delay
 * @param recordWindow  at a trickle, how long after a batch's acknowledgements the relay waits for
 *                      the next batches' to record them in the same transaction
 */
public record RelaySettings(
        String relayId,
        int batchSize,
        Duration pollInterval,
        Duration lease,
        int maxAttempts,
        Duration backoffBase,
        Duration backoffMax,
        Duration recordWindow) {

    /** Width of {@code outbox_events.claimed_by} and {@code outbox_claims.relay_id}. */
    public static final int MAX_RELAY_ID_LENGTH = 40;
    /** Default of {@code OUTBOX_LEASE}: rows of a relay that died are claimable again this long after its last renewal. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofMillis(500);
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofMinutes(5);
    /**
     * Default record window: how long the relay's completer goes on collecting acknowledged batches
     * after the first one of a group, to record them all in one transaction. At a steady trickle every
     * order's event is a batch of its own, handed over at commit and sent at once; recorded one by
     * one, each cost an UPDATE and a durable commit of its own. Only the bookkeeping waits: the
     * records are on the topic already. A group's first batch is recorded at most this long after its
     * acknowledgements, so that is how much longer a later event of the same order may wait (it may
     * leave only once its predecessor is recorded), and how much wider the window in which a crash
     * leaves published rows unrecorded (they are re-sent after the lease). A group holds at most a
     * batch of rows; a failed recording leaves the whole group to be re-sent after the lease.
     */
    public static final Duration DEFAULT_RECORD_WINDOW = Duration.ofMillis(20);

    public RelaySettings {
        Objects.requireNonNull(relayId, "relayId");
        boolean printableAscii = relayId.chars().allMatch(c -> c > 32 && c < 127);
        if (relayId.isEmpty() || relayId.length() > MAX_RELAY_ID_LENGTH || !printableAscii) {
            throw new IllegalArgumentException("relayId must be 1-" + MAX_RELAY_ID_LENGTH + " printable ASCII characters");
        }
        if (batchSize < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("batchSize and maxAttempts must be >= 1");
        }
        requirePositive(pollInterval, "pollInterval");
        requirePositive(lease, "lease");
        requirePositive(backoffBase, "backoffBase");
        requirePositive(backoffMax, "backoffMax");
        requirePositive(recordWindow, "recordWindow");
    }

    /** Settings with the default lease and backoff. */
    public static RelaySettings of(String relayId, int batchSize, Duration pollInterval, int maxAttempts) {
        return new RelaySettings(relayId, batchSize, pollInterval, DEFAULT_LEASE, maxAttempts,
                DEFAULT_BACKOFF_BASE, DEFAULT_BACKOFF_MAX, DEFAULT_RECORD_WINDOW);
    }

    RelaySettings withPollInterval(Duration interval) {
        return new RelaySettings(relayId, batchSize, interval, lease, maxAttempts, backoffBase, backoffMax,
                recordWindow);
    }

    public RelaySettings withLease(Duration newLease) {
        return new RelaySettings(relayId, batchSize, pollInterval, newLease, maxAttempts, backoffBase, backoffMax,
                recordWindow);
    }

    RelaySettings withBackoff(Duration base, Duration max) {
        return new RelaySettings(relayId, batchSize, pollInterval, lease, maxAttempts, base, max, recordWindow);
    }

    RelaySettings withRecordWindow(Duration window) {
        return new RelaySettings(relayId, batchSize, pollInterval, lease, maxAttempts, backoffBase, backoffMax,
                window);
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
