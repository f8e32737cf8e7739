package com.marketplace.gateway.order;

import com.marketplace.events.OrderStatus;
import com.marketplace.gateway.outbox.OutboxNotifier;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Order use cases. Every change writes its outbox event in the same transaction as the order rows;
 * the {@link OutboxNotifier} is told only after that transaction has committed.
 */
public final class OrderService {

    private static final Logger log = LoggerFactory.getLogger(OrderService.class);

    /**
     * Tries per order when its id turns out to be taken. Ids are taken only while a gateway that
     * numbers orders through AUTO_INCREMENT shares the database, and each retry has an id from a
     * fresh block, beyond every row that existed when the block was taken.
     */
    static final int MAX_ID_ATTEMPTS = 5;

    private final OrderTransactions transactions;
    private final OrderIds orderIds;
    private final OutboxNotifier notifier;
    private final OrderMetrics metrics;
    private final Clock clock;
    private final Supplier<UUID> eventIds;

    /**
     * @param eventIds source of event ids (random UUIDs in production; tests may inject collisions)
     */
    public OrderService(OrderTransactions transactions, OrderIds orderIds, OutboxNotifier notifier,
                        OrderMetrics metrics, Clock clock, Supplier<UUID> eventIds) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.orderIds = Objects.requireNonNull(orderIds, "orderIds");
        this.notifier = Objects.requireNonNull(notifier, "notifier");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.eventIds = Objects.requireNonNull(eventIds, "eventIds");
    }

    /** A service with the system UTC clock and random event ids. */
    public OrderService(OrderTransactions transactions, OrderIds orderIds, OutboxNotifier notifier,
                        OrderMetrics metrics) {
        this(transactions, orderIds, notifier, metrics, Clock.systemUTC(), UUID::randomUUID);
    }

    /**
     * Creates an order, or with an idempotency key already used for the same request returns the
     * order that request created.
     *
     * @param idempotencyKey the client's key, or null
     * @throws ValidationException for invalid input or key
     * @throws IdempotencyKeyReuseException when the key was used with a different request
     */
    public CreateOrderResult create(NewOrderRequest request, String idempotencyKey) {
        NewOrder order = OrderValidator.validate(request, idempotencyKey);
        if (idempotencyKey == null) {
            return new CreateOrderResult(insert(order, null), false);
        }
        String hash = RequestFingerprint.of(order);
        Optional<Order> earlier = replay(idempotencyKey, hash);
        if (earlier.isPresent()) {
            return new CreateOrderResult(earlier.get(), true);
        }
        try {
            return new CreateOrderResult(insert(order, new IdempotencyRecord(idempotencyKey, hash, 0, now())), false);
        } catch (DuplicateIdempotencyKeyException raceLost) {
            log.debug("Concurrent request with the same idempotency key won; returning its order");
            Order winner = replay(idempotencyKey, hash).orElseThrow(
                    () -> new StorageException("idempotency key vanished after a conflict", raceLost));
            return new CreateOrderResult(winner, true);
        }
    }

    /** @throws OrderNotFoundException when there is no such order */
    public Order get(long orderId) {
        return transactions.inTransaction(store -> store.find(orderId))
                .orElseThrow(() -> new OrderNotFoundException(orderId));
    }

    /**
     * Moves the order to the named status under a row lock. Same status: no change, no event. When
     * the database does not confirm the commit of a change, whether it was applied is read back
     * ({@link #settleStatusChange}).
     *
     * @throws ValidationException for an unknown status
     * @throws OrderNotFoundException when there is no such order
     * @throws IllegalStatusTransitionException when the transition is not legal
     * @throws OutcomeUnknownException when the commit was not confirmed and could not be read back
     */
    public StatusChangeResult changeStatus(long orderId, String statusName) {
        OrderStatus target = OrderValidator.parseStatus(statusName);
        UUID eventId = eventIds.get();
        AtomicReference<StatusChangeResult> attempted = new AtomicReference<>();
        StatusChangeResult result;
        try {
            result = transactions.inTransaction(store -> {
                attempted.set(null); // the work runs again after a deadlock: only the last try's change counts
                Order current = store.findForUpdate(orderId).orElseThrow(() -> new OrderNotFoundException(orderId));
                if (current.status() == target) {
                    return new StatusChangeResult(current, current.status());
                }
                if (!current.status().canTransitionTo(target)) {
                    throw new IllegalStatusTransitionException(orderId, current.status(), target);
                }
                Order updated = current.withStatus(target, nextUpdateTime(current));
                store.updateStatus(orderId, target, updated.updatedAt());
                store.appendEvent(OrderEvents.statusChanged(updated, current.status(), eventId));
                attempted.set(new StatusChangeResult(updated, current.status()));
                return attempted.get();
            });
        } catch (CommitNotConfirmedException unconfirmed) {
            result = settleStatusChange(orderId, eventId, attempted.get(), unconfirmed);
        }
        if (result.changed()) {
            afterCommit();
            metrics.statusChanged(result.previousStatus(), target);
            log.debug("Order {} moved to {}", orderId, target);
        }
        return result;
    }

    private Order insert(NewOrder order, IdempotencyRecord claim) {
        Instant now = now();
        Order created = null;
        for (int attempt = 1; created == null; attempt++) {
            long orderId = orderIds.next();
            try {
                created = insert(orderId, order, claim, now);
            } catch (OrderIdTakenException taken) {
                orderIds.taken(orderId);
                if (attempt == MAX_ID_ATTEMPTS) {
                    throw new StorageException("no free order id in " + attempt + " attempts", taken);
                }
                log.debug("Order id {} was taken; retrying with another", orderId);
            }
        }
        afterCommit();
        metrics.orderCreated();
        log.debug("Order {} created as {}", created.orderId(), created.orderNumber());
        return created;
    }

    /**
     * One transaction: the order, its event and the idempotency key when there is one. When the
     * database does not confirm the commit, the order is read back ({@link #settleCreation}).
     */
    private Order insert(long orderId, NewOrder order, IdempotencyRecord claim, Instant now) {
        try {
            return transactions.inTransaction(store -> {
                Order saved = store.insert(orderId, order, now);
                store.appendEvent(OrderEvents.created(saved, eventIds.get()));
                if (claim != null) {
                    store.saveIdempotencyKey(new IdempotencyRecord(claim.key(), claim.requestHash(), orderId, now));
                }
                return saved;
            });
        } catch (CommitNotConfirmedException unconfirmed) {
            return settleCreation(orderId, unconfirmed);
        }
    }

    /**
     * Whether the creation of {@code orderId} whose commit was not confirmed was applied, read on
     * another connection under a row lock: a commit or rollback still under way holds the new row's
     * lock, so the read waits for it. Nothing else writes this id (it is this gateway's, from its
     * block), so a row found is this creation's, written whole with its event; its event leaves with
     * the relay's next claim once the lease it was written with has run out.
     *
     * @throws StorageException when the order was not written (the request may be sent again)
     * @throws OutcomeUnknownException when the read could not tell either
     */
    private Order settleCreation(long orderId, CommitNotConfirmedException unconfirmed) {
        Optional<Order> written;
        try {
            written = transactions.inTransaction(store -> store.findForUpdate(orderId));
        } catch (StorageException readFailed) {
            readFailed.addSuppressed(unconfirmed);
            throw new OutcomeUnknownException("the database did not confirm the creation of order " + orderId
                    + " and could not be asked whether it was written", readFailed);
        }
        if (written.isEmpty()) {
            throw new StorageException("the database did not confirm the creation of order " + orderId
                    + ", and it was not written", unconfirmed);
        }
        log.warn("The database did not confirm the creation of order {}, but the order was written: {}", orderId,
                unconfirmed.getMessage());
        return written.get().asCreated();
    }

    /**
     * Whether the status change of {@code orderId} whose commit was not confirmed was applied: its
     * event {@code eventId} is in the outbox, read on another connection after the order's row lock
     * (which a commit or rollback still under way holds). Applied, the answer is the change's own;
     * not applied, the request may be sent again. Its event was written leased to this gateway's
     * relay and never handed to it, so it leaves with the relay's next claim once the lease has run out.
     *
     * @param attempted the change the transaction made, or null when it made none (no change was due)
     * @throws StorageException when the change was not applied
     * @throws OutcomeUnknownException when the read could not tell either
     */
    private StatusChangeResult settleStatusChange(long orderId, UUID eventId, StatusChangeResult attempted,
                                                  CommitNotConfirmedException unconfirmed) {
        if (attempted == null) {
            throw unconfirmed; // it wrote nothing: answered as a database failure, to be retried
        }
        boolean applied;
        try {
            applied = transactions.inTransaction(store -> {
                store.findForUpdate(orderId);
                return store.hasEvent(orderId, eventId);
            });
        } catch (StorageException readFailed) {
            readFailed.addSuppressed(unconfirmed);
            throw new OutcomeUnknownException("the database did not confirm the status change of order " + orderId
                    + " and could not be asked whether it was applied", readFailed);
        }
        if (!applied) {
            throw new StorageException("the database did not confirm the status change of order " + orderId
                    + ", and it was not applied", unconfirmed);
        }
        log.warn("The database did not confirm the status change of order {}, but it was applied: {}", orderId,
                unconfirmed.getMessage());
        return attempted;
    }

    private Optional<Order> replay(String key, String hash) {
        return transactions.inTransaction(store -> store.findIdempotencyKey(key).map(record -> {
            if (!record.requestHash().equals(hash)) {
                throw new IdempotencyKeyReuseException();
            }
            return store.find(record.orderId()).map(Order::asCreated).orElseThrow(() -> new StorageException(
                    "order " + record.orderId() + " of an idempotency key is missing", null));
        }));
    }

    private void afterCommit() {
        try {
            notifier.eventsCommitted();
        } catch (RuntimeException e) {
            log.warn("Outbox notifier failed; the relay will pick the events up on its next poll", e);
        }
    }

    private Instant now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * Now, or a microsecond after the order's last update when that lies later (it was written by
     * a gateway whose clock runs ahead of this one's): an order's updates, and so its events'
     * {@code changedAt}, keep the order they were made in. Consumers order an order's status
     * changes by that time (architecture.md, "The event envelope"), so a change stamped before the
     * one it follows would be taken for a late duplicate and ignored.
     */
    private Instant nextUpdateTime(Order current) {
        Instant now = now();
        Instant justAfter = current.updatedAt().plus(1, ChronoUnit.MICROS);
        return now.isBefore(justAfter) ? justAfter : now;
    }
}
