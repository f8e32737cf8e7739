package com.marketplace.gateway.outbox;

import java.time.Instant;

/**
 * What happened to one claimed row in a publish round.
 *
 * @param ackedAt when the broker acknowledged it (ACKED only)
 * @param error   the failure (failures only)
 */
public record PublishOutcome(OutboxRow row, Result result, Instant ackedAt, Exception error) {

    /** The possible results of publishing one row. */
    public enum Result {
        /** Written to all in-sync replicas. */
        ACKED,
        /**
         * The broker or the partition's leader did not take it (a timeout, a network error, no
         * leader, too few in-sync replicas): retry later, as often as it takes. Nothing is wrong with
         * the event, so these attempts never park it; an outage shows as a growing backlog instead.
         */
        UNAVAILABLE,
        /**
         * The broker refused this client (not authenticated, or not authorized for the topic or the
         * cluster): no fault of the event either, so not counted; it fails at once, so the row waits the
         * backoff's longest delay before its next try instead of the first.
         */
        REFUSED,
        /** Failed in another way that may heal: retry later, and park it after the last allowed attempt. */
        RETRIABLE,
        /** Can never succeed as it is (too large, unknown event type): park as FAILED now. */
        NON_RETRIABLE,
        /**
         * Not attempted (its topic's send failed at once earlier in the batch, or the publisher was
         * closed): release without counting an attempt.
         */
        NOT_SENT
    }

    static PublishOutcome acked(OutboxRow row, Instant at) {
        return new PublishOutcome(row, Result.ACKED, at, null);
    }

    static PublishOutcome failed(OutboxRow row, Result result, Exception error) {
        return new PublishOutcome(row, result, null, error);
    }

    static PublishOutcome notSent(OutboxRow row) {
        return new PublishOutcome(row, Result.NOT_SENT, null, null);
    }
}
