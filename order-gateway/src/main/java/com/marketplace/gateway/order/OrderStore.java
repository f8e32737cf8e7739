package com.marketplace.gateway.order;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderStatus;
import com.marketplace.gateway.upkeep.CleanupPage;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The order store as seen from inside one transaction (see {@link OrderTransactions}). Failures are
 * reported as {@link StorageException}, except where a method says otherwise.
 */
public interface OrderStore {

    /**
     * Inserts the order under the given id, with its order number and its items, and returns the
     * stored order.
     *
     * @param orderId an id from {@link OrderIds}
     * @throws OrderIdTakenException when an order with this id exists already
     */
    Order insert(long orderId, NewOrder order, Instant now);

    Optional<Order> find(long orderId);

    /** Like {@link #find(long)} but locks the order row until the transaction ends. */
    Optional<Order> findForUpdate(long orderId);

    void updateStatus(long orderId, OrderStatus status, Instant now);

    /** Writes the event to the outbox, to be published after commit. */
    void appendEvent(EventEnvelope event);

    /** Whether the outbox has event {@code eventId} of order {@code orderId}: whether its writer committed */
    boolean hasEvent(long orderId, UUID eventId);

    Optional<IdempotencyRecord> findIdempotencyKey(String key);

    /** @throws DuplicateIdempotencyKeyException when the key is already stored (possibly by a concurrent transaction) */
    void saveIdempotencyKey(IdempotencyRecord record);

    /**
     * One page of the idempotency keys' expiry: reads up to {@code window} keys of the lowest order
     * ids above {@code afterOrderId}, in order id order, and deletes those created before
     * {@code cutoff}. A key younger than the cutoff is stepped over and kept until it expires itself.
     */
    CleanupPage deleteIdempotencyKeysBefore(Instant cutoff, long afterOrderId, int window);
}
