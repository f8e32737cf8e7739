package com.marketplace.gateway.order;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderStatus;
import com.marketplace.gateway.upkeep.CleanupPage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * A single-threaded in-memory order store and id source for unit tests of the service's rules (no
 * rollback). Ids count up from 1; {@link #taken} records what the service reported.
 */
final class InMemoryOrderTransactions implements OrderTransactions, OrderStore, OrderIds {

    final Map<Long, Order> orders = new HashMap<>();
    final List<EventEnvelope> events = new ArrayList<>();
    final Map<String, IdempotencyRecord> keys = new HashMap<>();
    final List<Long> takenIds = new ArrayList<>();
    long nextId = 1;

    @Override
    public <T> T inTransaction(Function<OrderStore, T> work) {
        return work.apply(this);
    }

    @Override
    public long next() {
        return nextId++;
    }

    @Override
    public void taken(long orderId) {
        takenIds.add(orderId);
    }

    @Override
    public Order insert(long id, NewOrder order, Instant now) {
        if (orders.containsKey(id)) {
            throw new OrderIdTakenException(id, null);
        }
        Order stored = new Order(id, OrderNumbers.of(id, now), order.buyerId(), order.buyerEmail(),
                order.currency(), OrderStatus.PENDING, order.totalAmount(), order.items(), now, now);
        orders.put(id, stored);
        return stored;
    }

    @Override
    public Optional<Order> find(long orderId) {
        return Optional.ofNullable(orders.get(orderId));
    }

    @Override
    public Optional<Order> findForUpdate(long orderId) {
        return find(orderId);
    }

    @Override
    public void updateStatus(long orderId, OrderStatus status, Instant now) {
        orders.computeIfPresent(orderId, (id, order) -> order.withStatus(status, now));
    }

    @Override
    public void appendEvent(EventEnvelope event) {
        events.add(event);
    }

    @Override
    public boolean hasEvent(long orderId, UUID eventId) {
        return events.stream().anyMatch(e -> e.eventId().equals(eventId) && e.orderId() == orderId);
    }

    @Override
    public Optional<IdempotencyRecord> findIdempotencyKey(String key) {
        return Optional.ofNullable(keys.get(key));
    }

    @Override
    public void saveIdempotencyKey(IdempotencyRecord record) {
        if (keys.putIfAbsent(record.key(), record) != null) {
            throw new DuplicateIdempotencyKeyException(record.key(), null);
        }
    }

    @Override
    public CleanupPage deleteIdempotencyKeysBefore(Instant cutoff, long afterOrderId, int window) {
        List<IdempotencyRecord> page = keys.values().stream()
                .filter(record -> record.orderId() > afterOrderId)
                .sorted(Comparator.comparingLong(IdempotencyRecord::orderId))
                .limit(window)
                .toList();
        List<IdempotencyRecord> expired = page.stream().filter(record -> record.createdAt().isBefore(cutoff)).toList();
        expired.forEach(record -> keys.remove(record.key()));
        IdempotencyRecord last = page.isEmpty() ? null : page.get(page.size() - 1);
        return new CleanupPage(expired.size(), last == null ? afterOrderId : last.orderId(),
                page.size() == window && last.createdAt().isBefore(cutoff));
    }
}
