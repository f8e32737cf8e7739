package com.marketplace.streams.topology;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.StoreNames;
import com.marketplace.streams.serde.AppSerdes;
import com.marketplace.streams.stats.BuyerStats;
import com.marketplace.streams.stats.OrderContributions;
import com.marketplace.streams.stats.OrderState;
import com.marketplace.streams.stats.OrdersPerMinute;
import com.marketplace.streams.stats.SellerStats;
import com.marketplace.streams.stats.QueryablePartitions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies each first-seen order event to its order's state and, in the same step, to the
 * statistics of the order's input partition.
 *
 * <p>Every statistic is kept <em>per input partition</em>, in the task that already owns the
 * order: {@code status-counts-store}, {@code buyer-stats-store}, {@code seller-stats-store} and
 * {@code orders-per-minute-store} of task {@code 0_p} hold the counts of the orders of partition
 * {@code p} only, and a query adds up the partitions ({@code StoreQueries}). Nothing is re-keyed,
 * so there is no repartition topic, no second sub-topology and no second transaction hop between
 * an event and its statistics; and no key (a status, the orders-per-minute window) is counted by a
 * single task however many partitions and instances there are.
 *
 * <p>Because the order's previous state is at hand, each update is the difference between the
 * state before and after the event: a complete order moves from its old status to its new one; its
 * buyer and seller contributions ({@link OrderContributions}) change only at creation and
 * cancellation; it is counted in its creation minute when it becomes complete. An event that
 * changes nothing ({@link OrderState#apply} returns the same state) writes nothing. A move's two
 * writes to {@code status-counts-store} are one step for the queries, and the queries read a
 * partition's stores only while its task is processing, as this step reports ({@link QueryablePartitions}).
 * Everything an event changes is read and worked out before its first write.
 */
final class OrderStatistics extends ContextualProcessor<String, EventEnvelope, Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(OrderStatistics.class);

    private final QueryablePartitions queryablePartitions;
    private QueryablePartitions.Partition partition;
    private KeyValueStore<String, OrderState> orders;
    private KeyValueStore<String, Long> partialOrders;
    private KeyValueStore<String, Long> statusCounts;
    private KeyValueStore<Long, BuyerStats> buyers;
    private KeyValueStore<Long, SellerStats> sellers;
    private WindowStore<String, Long> ordersPerMinute;

    /**
     * A supplier connected to the six stores it updates, with their serdes. The stores that grow
     * with the orders, buyers and sellers live in RocksDB; the three that stay small whatever the
     * load (a count per status, a count per minute for a day, the partial orders, in each partition)
     * live in memory, rebuilt from their changelogs at start: every RocksDB store of a task is
     * opened, with its files, when the task starts, which is most of a task's start after a restart
     * on a busy machine. {@code queryablePartitions} are the client's queries'.
     */
    static ProcessorSupplier<String, EventEnvelope, Void, Void> supplier(AppSerdes serdes,
                                                                        QueryablePartitions queryablePartitions) {
        Set<StoreBuilder<?>> stores = Set.of(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.ORDER_STATE),
                        serdes.string(), serdes.orderState()).withCachingEnabled(),
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.STATUS_COUNTS),
                        serdes.string(), serdes.longs()).withCachingEnabled(),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.BUYER_STATS),
                        serdes.longs(), serdes.buyerStats()).withCachingEnabled(),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.SELLER_STATS),
                        serdes.longs(), serdes.sellerStats()).withCachingEnabled(),
                Stores.windowStoreBuilder(Stores.inMemoryWindowStore(StoreNames.ORDERS_PER_MINUTE,
                                OrdersPerMinute.RETENTION, OrdersPerMinute.WINDOW, false),
                        serdes.string(), serdes.longs()).withCachingEnabled(),
                PartialOrders.storeBuilder(serdes));
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, EventEnvelope, Void, Void> get() {
                return new OrderStatistics(queryablePartitions);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return stores;
            }
        };
    }

    private OrderStatistics(QueryablePartitions queryablePartitions) {
        this.queryablePartitions = queryablePartitions;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        super.init(context);
        partition = queryablePartitions.partition(context.taskId().partition());
        orders = context.getStateStore(StoreNames.ORDER_STATE);
        partialOrders = context.getStateStore(StoreNames.PARTIAL_ORDERS);
        statusCounts = context.getStateStore(StoreNames.STATUS_COUNTS);
        buyers = context.getStateStore(StoreNames.BUYER_STATS);
        sellers = context.getStateStore(StoreNames.SELLER_STATS);
        ordersPerMinute = context.getStateStore(StoreNames.ORDERS_PER_MINUTE);
        // a task's processors are initialised once its stores are restored: the queries may read them now
        partition.taskStarted();
    }

    /** Called before the task's stores are closed, moved, or wiped to be restored again. */
    @Override
    public void close() {
        if (partition != null) {
            partition.taskStopped();
        }
    }

    @Override
    public void process(Record<String, EventEnvelope> record) {
        OrderState before = orders.get(record.key());
        OrderState after = (before == null ? OrderState.NONE : before).apply(record.value());
        if (after == before) {
            return;
        }
        List<Runnable> statistics = statisticsWrites(before, after);
        orders.put(record.key(), after);
        // at the task's stream time when the record is stamped further back: aged from its own time, the
        // partial order could be purged at the next sweep, before its creation, read soon after, is processed
        PartialOrders.track(partialOrders, record.key(), before, after,
                Math.max(record.timestamp(), context().currentStreamTimeMs()));
        statistics.forEach(Runnable::run);
    }

    /**
     * The statistics writes of an order's move from {@code before} to {@code after}, read and worked
     * out before anything of the step is written: an exception (a defect) then leaves none of it
     * written, under at_least_once too, whose stores may write their caches out when a failed task
     * is closed ({@code DeadLetterProcessingHandler}).
     */
    private List<Runnable> statisticsWrites(OrderState before, OrderState after) {
        if (!after.isComplete()) {
            return List.of();
        }
        List<Runnable> writes = new ArrayList<>();
        boolean wasComplete = before != null && before.isComplete();
        if (!wasComplete) {
            countCreation(after, writes);
        }
        if (!wasComplete || before.status() != after.status()) {
            writes.add(statusMove(wasComplete ? before.status().name() : null, after.status().name()));
        }
        if (wasComplete && before.isCancelled() == after.isCancelled()) {
            // a complete order's items, amounts and parties never change; only a cancellation moves its contributions
            return writes;
        }
        OrderContributions contributionsBefore = OrderContributions.of(before);
        OrderContributions contributionsAfter = OrderContributions.of(after);
        OrderContributions.buyerChanges(contributionsBefore, contributionsAfter).forEach((buyerId, change) -> {
            BuyerStats stats = buyers.get(buyerId);
            BuyerStats updated = (stats == null ? BuyerStats.empty() : stats).apply(buyerId, change);
            writes.add(() -> buyers.put(buyerId, updated));
        });
        OrderContributions.sellerChanges(contributionsBefore, contributionsAfter).forEach((sellerId, change) -> {
            SellerStats stats = sellers.get(sellerId);
            SellerStats updated = (stats == null ? SellerStats.empty() : stats).apply(sellerId, change);
            writes.add(() -> sellers.put(sellerId, updated));
        });
        return writes;
    }

    /**
     * The move of a complete order from status {@code from} (null: it was not counted yet) to another
     * status {@code to}: its two writes to {@code status-counts-store} are one step for the queries.
     */
    private Runnable statusMove(String from, String to) {
        long fromCount = from == null ? 0 : count(from) - 1;
        long toCount = count(to) + 1;
        return () -> partition.move(() -> {
            if (from != null) {
                setCount(from, fromCount);
            }
            setCount(to, toCount);
        });
    }

    private long count(String status) {
        Long count = statusCounts.get(status);
        return count == null ? 0 : count;
    }

    /** Sets the status's count; a status no order is in has no entry. */
    private void setCount(String status, long count) {
        if (count == 0) {
            statusCounts.delete(status);
        } else {
            statusCounts.put(status, count);
        }
    }

    /**
     * Adds to {@code writes} the count of the order in the minute of its {@code createdAt}, unless
     * that window is older than the store keeps (then it would be dropped by the store; it is skipped
     * here explicitly), starts before
     * 1970 (a window store cannot hold it: its flush would fail the task at every try), or lies
     * further ahead of the partition's stream time than {@link OrdersPerMinute#MAX_AHEAD_OF_STREAM_TIME}
     * (the store would take it for the present and drop the day before it).
     */
    private void countCreation(OrderState order, List<Runnable> writes) {
        long windowStart = OrdersPerMinute.windowStart(order.createdAt());
        long streamTime = context().currentStreamTimeMs();
        if (windowStart < 0 || windowStart + OrdersPerMinute.RETENTION.toMillis() <= streamTime) {
            log.debug("order {} created at {} is older than the orders-per-minute retention or 1970; not counted",
                    order.orderId(), order.createdAt());
            return;
        }
        if (windowStart > streamTime + OrdersPerMinute.MAX_AHEAD_OF_STREAM_TIME.toMillis()) {
            log.warn("order {} created at {} lies more than {} ahead of its partition's records (stream time {});"
                            + " not counted in orders-per-minute", order.orderId(), order.createdAt(),
                    OrdersPerMinute.MAX_AHEAD_OF_STREAM_TIME, Instant.ofEpochMilli(streamTime));
            return;
        }
        Long count = ordersPerMinute.fetch(OrdersPerMinute.KEY, windowStart);
        long updated = (count == null ? 0 : count) + 1;
        writes.add(() -> ordersPerMinute.put(OrdersPerMinute.KEY, updated, windowStart));
    }
}
