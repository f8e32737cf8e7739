package com.marketplace.streams.query;

import com.marketplace.events.Amounts;
import com.marketplace.events.OrderStatus;
import com.marketplace.events.StoreNames;
import com.marketplace.events.Topics;
import com.marketplace.streams.serde.UnreadableStateValueException;
import com.marketplace.streams.stats.BuyerStats;
import com.marketplace.streams.stats.OrderState;
import com.marketplace.streams.stats.OrdersPerMinute;
import com.marketplace.streams.stats.SellerStats;
import com.marketplace.streams.stats.QueryablePartitions;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * Every read of the order-stats stores, correct across several instances of the app.
 *
 * <p>An order's state is read by key: its active owner comes from
 * {@link KafkaStreams#queryMetadataForKey}; this instance answers from its local <em>active</em>
 * store partition (never a standby or stale copy), any other owner is asked over HTTP through the
 * {@link Forwarder}, and a {@link Origin#FORWARDED} query is answered only while this instance
 * still owns the key.
 *
 * <p>The statistics (status counts, buyer and seller statistics, orders per minute) are kept per
 * input partition, in the task that owns the order (see {@code OrderStatistics}), and a query adds
 * the partitions up: every partition's active owner is looked up, this instance reads its own
 * partitions, and each other owner is asked once for exactly the partitions it owns
 * ({@link Scope#local}), which it answers only from its own active copies of all of them. So
 * every partition is counted exactly once, or the query fails.
 *
 * <p>Whenever an exact answer cannot be guaranteed — Kafka Streams not RUNNING, an owner unknown,
 * a store migrating or restoring ({@link InvalidStateStoreException}, or a partition whose task is not
 * processing: {@link QueryablePartitions}), an owner not answering — the
 * methods throw {@link StoreUnavailableException}; they never return a partial or stale value.
 */
public final class StoreQueries {

    /** The longest a query waits for one read of a local store before it is unavailable (503). */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
    /** Reads of local stores running at once at most, across every query ({@link BoundedReads}). */
    private static final int MAX_READ_THREADS = 32;
    private static final Serializer<String> STRINGS = new StringSerializer();
    /** Digits before the point of the largest amount a statistic holds: far beyond any real sum. */
    private static final int MAX_AMOUNT_DIGITS = 30;
    /** Decimal places an amount may be written with, trailing zeros included. */
    private static final int MAX_AMOUNT_SCALE = 18;

    private final KafkaStreams streams;
    private final HostInfo self;
    private final Forwarder forwarder;
    private final Clock clock;
    private final QueryablePartitions queryablePartitions;
    private final BoundedReads reads = new BoundedReads(MAX_READ_THREADS, READ_TIMEOUT);

    /**
     * @param self             this instance's {@code application.server}
     * @param forwarder        how other owners are asked
     * @param clock            decides which orders-per-minute windows are older than a query reads
     *                         ({@link OrdersPerMinute#QUERYABLE})
     * @param queryablePartitions what {@code streams}' topology tells of its partitions: which are processing,
     *                            and the locks it moves order statuses under
     */
    public StoreQueries(KafkaStreams streams, HostInfo self, Forwarder forwarder, Clock clock,
                        QueryablePartitions queryablePartitions) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.self = Objects.requireNonNull(self, "self");
        this.forwarder = Objects.requireNonNull(forwarder, "forwarder");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.queryablePartitions = Objects.requireNonNull(queryablePartitions, "queryablePartitions");
    }

    /** The latest state of an order, empty when the stream has seen no event of it. */
    public Optional<OrderStateView> orderState(long orderId, Origin origin) {
        requireRunning();
        String key = Long.toString(orderId);
        KeyQueryMetadata owner = activeOwner(StoreNames.ORDER_STATE, key, STRINGS);
        if (self.equals(owner.activeHost())) {
            OrderState state = readKeyValue(StoreNames.ORDER_STATE, owner.partition(), key);
            return Optional.ofNullable(state).map(OrderStateView::of);
        }
        if (origin == Origin.FORWARDED) {
            throw new StoreUnavailableException("this instance no longer owns the key; ask again");
        }
        HostInfo host = owner.activeHost();
        Optional<OrderStateView> answer = forwarder.get(host, QueryPaths.withId(QueryPaths.ORDER_STATE, orderId),
                OrderStateView.class);
        if (answer.isPresent() && answer.get().orderId() != orderId) {
            throw StoreUnavailableException.ofPeer(host, "answered the state of order "
                    + answer.get().orderId() + " to a query of order " + orderId);
        }
        return answer;
    }

    /** A seller's statistics over {@code scope}, empty when no complete order of the seller is in it. */
    public Optional<SellerStatsView> sellerStats(long sellerId, Scope scope) {
        return gather(StoreNames.SELLER_STATS, scope,
                partition -> Optional.ofNullable(this.<Long, SellerStats>readKeyValue(StoreNames.SELLER_STATS,
                        partition, sellerId)).map(SellerStatsView::of),
                (owner, partitions) -> Forwarder.reading(forwarder.ask(owner,
                        withPartitions(QueryPaths.withId(QueryPaths.SELLER_STATS, sellerId), partitions),
                        SellerStatsView.class), answer -> answer.map(part -> sellerPart(owner, sellerId, part))),
                SellerStatsView::plus);
    }

    /** A buyer's statistics over {@code scope}, empty when no complete order of the buyer is in it. */
    public Optional<BuyerStatsView> buyerStats(long buyerId, Scope scope) {
        return gather(StoreNames.BUYER_STATS, scope,
                partition -> Optional.ofNullable(this.<Long, BuyerStats>readKeyValue(StoreNames.BUYER_STATS,
                        partition, buyerId)).map(BuyerStatsView::of),
                (owner, partitions) -> Forwarder.reading(forwarder.ask(owner,
                        withPartitions(QueryPaths.withId(QueryPaths.BUYER_STATS, buyerId), partitions),
                        BuyerStatsView.class), answer -> answer.map(part -> buyerPart(owner, buyerId, part))),
                BuyerStatsView::plus);
    }

    /**
     * An owner's statistics of a seller, checked before they are added: of the seller asked, with
     * counts and revenue not below zero and revenue an amount of money ({@link #isAmount}). Anything
     * else makes the sum unavailable instead of wrong.
     */
    private static SellerStatsView sellerPart(HostInfo owner, long sellerId, SellerStatsView part) {
        if (part.sellerId() != sellerId || part.orders() < 0 || part.itemsSold() < 0 || !isAmount(part.revenue())) {
            throw StoreUnavailableException.ofPeer(owner, "answered statistics that are not seller "
                    + sellerId + "'s: " + part);
        }
        return part;
    }

    /** As {@link #sellerPart}, for a buyer's statistics. */
    private static BuyerStatsView buyerPart(HostInfo owner, long buyerId, BuyerStatsView part) {
        if (part.buyerId() != buyerId || part.orders() < 0 || !isAmount(part.totalSpent())) {
            throw StoreUnavailableException.ofPeer(owner, "answered statistics that are not buyer "
                    + buyerId + "'s: " + part);
        }
        return part;
    }

    /**
     * Whether {@code value} can be a sum of the orders' amounts: not below zero, in hundredths at most
     * as an event's amounts are (trailing zeros aside: {@code 1500.000} is an amount), at most
     * {@value #MAX_AMOUNT_SCALE} places written, and at most {@value #MAX_AMOUNT_DIGITS} digits before
     * the point, so that no answer makes the sum a number of unbounded size.
     */
    static boolean isAmount(BigDecimal value) {
        return value.signum() >= 0
                && value.scale() <= MAX_AMOUNT_SCALE
                && Amounts.hasAtMostTwoPlaces(value)
                && (long) value.precision() - value.scale() <= MAX_AMOUNT_DIGITS;
    }

    /**
     * The number of complete orders in each status over {@code scope}; every status is present (0
     * when none). Each partition's five counts are read between two status moves, so every order is
     * counted in exactly one status.
     */
    public Map<OrderStatus, Long> statusCounts(Scope scope) {
        return gather(StoreNames.STATUS_COUNTS, scope,
                partition -> Optional.of(localStatusCounts(partition)),
                (owner, partitions) -> Forwarder.reading(forwarder.ask(owner,
                        withPartitions(QueryPaths.STATUS_COUNTS, partitions), Map.class),
                        answer -> Optional.of(statusCounts(owner, answered(owner, answer)))),
                StoreQueries::sum)
                .orElseThrow(() -> new StoreUnavailableException("no owner counted the statuses of its partitions"));
    }

    private Map<OrderStatus, Long> localStatusCounts(int partition) {
        return readLocal(StoreNames.STATUS_COUNTS, QueryableStoreTypes.<String, Long>keyValueStore(), partition,
                (ReadOnlyKeyValueStore<String, Long> store) -> queryablePartitions.partition(partition).read(() -> {
                    Map<OrderStatus, Long> counts = new EnumMap<>(OrderStatus.class);
                    for (OrderStatus status : OrderStatus.values()) {
                        counts.put(status, Objects.requireNonNullElse(store.get(status.name()), 0L));
                    }
                    return counts;
                }).orElseThrow(() -> new StoreUnavailableException("store " + StoreNames.STATUS_COUNTS
                        + " partition " + partition + " is in the middle of a status move; ask again")));
    }

    /**
     * An owner's status counts, checked before they are added: exactly the five statuses, each a
     * whole number not below zero. An owner that answers otherwise (another version of the app
     * during a rolling upgrade, a fault) makes the sum unavailable instead of wrong.
     */
    private static Map<OrderStatus, Long> statusCounts(HostInfo owner, Map<?, ?> answer) {
        if (answer.size() != OrderStatus.values().length) {
            throw StoreUnavailableException.ofPeer(owner, "counted " + answer.keySet()
                    + ", not the statuses " + List.of(OrderStatus.values()));
        }
        Map<OrderStatus, Long> counts = new EnumMap<>(OrderStatus.class);
        for (OrderStatus status : OrderStatus.values()) {
            Object count = answer.get(status.name());
            if (!(count instanceof Integer || count instanceof Long) || ((Number) count).longValue() < 0) {
                throw StoreUnavailableException.ofPeer(owner, "did not count " + status
                        + " as a whole number of orders");
            }
            counts.put(status, ((Number) count).longValue());
        }
        return counts;
    }

    /** The value of an owner's answer to a statistic every owner answers: "not known" is not one. */
    private static <T> T answered(HostInfo owner, Optional<T> answer) {
        return answer.orElseThrow(() -> StoreUnavailableException.ofPeer(owner,
                "answered that it knows nothing of a statistic every owner has"));
    }

    private static Map<OrderStatus, Long> sum(Map<OrderStatus, Long> a, Map<OrderStatus, Long> b) {
        Map<OrderStatus, Long> total = new EnumMap<>(a);
        b.forEach((status, count) -> total.merge(status, count, Math::addExact));
        return total;
    }

    /**
     * Orders created per minute over {@code scope} for the windows starting in {@code [from, to)}
     * and within {@link OrdersPerMinute#QUERYABLE} of now, ordered by window start. The instance a
     * client asked cuts the range by its own clock once and asks the other owners for exactly the
     * cut range ({@code scope} is then theirs), so instances whose clocks differ add up the same
     * windows.
     */
    public List<WindowCount> ordersPerMinute(Instant from, Instant to, Scope scope) {
        Instant start = from;
        if (scope instanceof Scope.All) {
            Instant oldest = clock.instant().minus(OrdersPerMinute.QUERYABLE);
            start = from.isBefore(oldest) ? oldest : from;
        }
        // the store reads whole milliseconds, both ends included: the first window start at or
        // after 'start', the last before 'to'
        Instant first = ceilToMillis(start);
        Instant last = ceilToMillis(to).minusMillis(1);
        if (first.isAfter(last)) {
            requireRunning();
            return List.of();
        }
        String path = QueryPaths.ORDERS_PER_MINUTE + "?from=" + encode(start) + "&to=" + encode(to);
        return gather(StoreNames.ORDERS_PER_MINUTE, scope,
                partition -> Optional.of(readWindows(partition, first, last)),
                (owner, partitions) -> Forwarder.reading(
                        forwarder.ask(owner, withPartitions(path, partitions), WindowCount[].class),
                        answer -> Optional.of(windows(owner, answered(owner, answer), first, last))),
                StoreQueries::sumByWindow)
                // a single part is never merged: merged with nothing, it is put in window order like any sum
                .map(windows -> sumByWindow(windows, List.of()))
                .orElseThrow(() -> new StoreUnavailableException("no owner read the windows of its partitions"));
    }

    /**
     * An owner's windows, checked before they are added: each starts on a whole minute within
     * {@code [first, last]}, at most once, with a count not below zero; anything else makes the
     * sum unavailable instead of wrong.
     */
    private static List<WindowCount> windows(HostInfo owner, WindowCount[] answer, Instant first, Instant last) {
        Set<Instant> starts = new HashSet<>();
        for (WindowCount window : answer) {
            Instant start = window.windowStart();
            boolean valid = !start.isBefore(first) && !start.isAfter(last)
                    && start.equals(Instant.ofEpochMilli(OrdersPerMinute.windowStart(start)))
                    && window.count() >= 0 && starts.add(start);
            if (!valid) {
                throw StoreUnavailableException.ofPeer(owner, "answered a window the query did not"
                        + " ask for: " + start + " (" + window.count() + ")");
            }
        }
        return List.of(answer);
    }

    private static Instant ceilToMillis(Instant instant) {
        Instant millis = instant.truncatedTo(ChronoUnit.MILLIS);
        return millis.equals(instant) ? instant : millis.plusMillis(1);
    }

    private static List<WindowCount> sumByWindow(List<WindowCount> a, List<WindowCount> b) {
        SortedMap<Instant, Long> byWindow = new TreeMap<>();
        a.forEach(w -> byWindow.merge(w.windowStart(), w.count(), Math::addExact));
        b.forEach(w -> byWindow.merge(w.windowStart(), w.count(), Math::addExact));
        return byWindow.entrySet().stream().map(e -> new WindowCount(e.getKey(), e.getValue())).toList();
    }

    private static String encode(Instant instant) {
        return URLEncoder.encode(instant.toString(), StandardCharsets.UTF_8);
    }

    private List<WindowCount> readWindows(int partition, Instant start, Instant end) {
        return readLocal(StoreNames.ORDERS_PER_MINUTE, QueryableStoreTypes.<String, Long>windowStore(), partition,
                (ReadOnlyWindowStore<String, Long> store) -> {
                    List<WindowCount> windows = new ArrayList<>();
                    try (var it = store.fetch(OrdersPerMinute.KEY, start, end)) {
                        it.forEachRemaining(kv -> windows.add(new WindowCount(Instant.ofEpochMilli(kv.key), kv.value)));
                    }
                    return windows;
                });
    }

    private static String withPartitions(String pathAndQuery, Scope.Local partitions) {
        return pathAndQuery + (pathAndQuery.contains("?") ? "&" : "?") + QueryPaths.PARTITIONS_PARAM + "="
                + partitions.param();
    }

    /**
     * The values of {@code scope}'s partitions of {@code store} merged: read here for the partitions
     * this instance owns, asked of each other owner once for all of its partitions. The other owners
     * are all asked before this instance reads its own partitions, so the query waits as long as its
     * slowest owner (at most the forwarder's timeout), not their sum; once the own partitions are
     * read, the first owner that has failed makes the query unavailable without waiting for the
     * others, and the asks still under way are cancelled. Empty when no partition has a value.
     */
    private <V> Optional<V> gather(String store, Scope scope, IntFunction<Optional<V>> readPartition,
                                   BiFunction<HostInfo, Scope.Local, CompletableFuture<Optional<V>>> askOwner,
                                   BinaryOperator<V> merge) {
        requireRunning();
        List<V> values = new ArrayList<>();
        if (scope instanceof Scope.Local local) {
            // Kafka Streams tells a partition that does not exist from one another instance owns by nothing
            // but the partition count: the first is the query's fault, the second passes with a rebalance
            int partitions = partitionCount(store);
            if (local.partitions().last() >= partitions) {
                throw new UnknownPartitionException("store " + store + " has no partition " + local.partitions().last()
                        + ": its partitions are 0 to " + (partitions - 1));
            }
            local.partitions().forEach(partition -> readPartition.apply(partition).ifPresent(values::add));
            return mergeParts(store, values, merge);
        }
        Map<HostInfo, Set<Integer>> owners = ownersOfEveryPartition(store);
        Map<HostInfo, CompletableFuture<Optional<V>>> asked = new LinkedHashMap<>();
        try {
            owners.forEach((owner, partitions) -> {
                if (!self.equals(owner)) {
                    asked.put(owner, askOwner.apply(owner, Scope.local(partitions)));
                }
            });
            CompletableFuture<Void> allAnswered =
                    CompletableFuture.allOf(asked.values().toArray(CompletableFuture[]::new));
            asked.forEach((owner, answer) -> answer.whenComplete((value, failure) -> {
                if (failure != null) {
                    allAnswered.completeExceptionally(Forwarder.unavailable(Forwarder.Asked.instance(owner), failure));
                }
            }));
            owners.forEach((owner, partitions) -> {
                if (self.equals(owner)) {
                    partitions.forEach(partition -> readPartition.apply(partition).ifPresent(values::add));
                }
            });
            Forwarder.answerOf(Forwarder.Asked.of("the other owners of " + store), allAnswered);
            owners.keySet().stream().filter(asked::containsKey).forEach(owner ->
                    Forwarder.answerOf(Forwarder.Asked.instance(owner), asked.get(owner)).ifPresent(values::add));
        } finally {
            asked.values().forEach(answer -> answer.cancel(true));
        }
        return mergeParts(store, values, merge);
    }

    /** The parts merged; parts whose counts add up beyond a {@code long} are no sum to answer with. */
    private static <V> Optional<V> mergeParts(String store, List<V> parts, BinaryOperator<V> merge) {
        try {
            return parts.stream().reduce(merge);
        } catch (ArithmeticException e) {
            throw new StoreUnavailableException("the owners' parts of " + store + " add up beyond any real count", e);
        }
    }

    /**
     * The active owner of each partition of {@code store}, partitions grouped by owner: the instance
     * whose active input partitions of the store's task include it, read from the group's metadata
     * once for every partition, as {@link KafkaStreams#queryMetadataForKey} reads it for one (which
     * copies every instance's partitions at each call: for each of P partitions a query would copy P).
     * The number of partitions is the one Kafka Streams partitions the store's input by
     * ({@link #partitionCount}); a partition no instance owns actively is unavailable.
     */
    private Map<HostInfo, Set<Integer>> ownersOfEveryPartition(String store) {
        int partitions = partitionCount(store);
        Map<Integer, HostInfo> ownerOf = new HashMap<>();
        try {
            for (StreamsMetadata client : streams.streamsMetadataForStore(store)) {
                if (client.stateStoreNames().contains(store)) {
                    // every store is fed by both order topics, co-partitioned: partition p of either is task p's
                    client.topicPartitions().stream().filter(input -> Topics.ORDER_EVENT_TOPICS.contains(input.topic()))
                            .forEach(input -> ownerOf.put(input.partition(), client.hostInfo()));
                }
            }
        } catch (IllegalStateException | InvalidStateStoreException e) {
            throw new StoreUnavailableException("instance metadata is not available", e);
        }
        Map<HostInfo, Set<Integer>> owners = new LinkedHashMap<>();
        for (int partition = 0; partition < partitions; partition++) {
            HostInfo owner = ownerOf.get(partition);
            if (owner == null || owner.port() < 0) {
                throw new StoreUnavailableException("the owner of a partition is not known while the group rebalances");
            }
            owners.computeIfAbsent(owner, host -> new TreeSet<>()).add(partition);
        }
        return owners;
    }

    /**
     * The number of partitions of {@code store}: the count Kafka Streams hands the partitioner of
     * {@link KafkaStreams#queryMetadataForKey}, looked up once with a partitioner that notes it.
     */
    private int partitionCount(String store) {
        AtomicInteger partitionCount = new AtomicInteger(-1);
        activeOwner(store, 0, partitionByNumber(partitionCount));
        if (partitionCount.get() < 1) {
            throw new StoreUnavailableException("the partitions of " + store + " are not known");
        }
        return partitionCount.get();
    }

    /**
     * A partitioner that maps "key" {@code p} to partition {@code p} and notes in {@code partitionCount}
     * how many partitions Kafka Streams handed it.
     */
    private static StreamPartitioner<Integer, Object> partitionByNumber(AtomicInteger partitionCount) {
        return (topic, key, value, numPartitions) -> {
            partitionCount.set(numPartitions);
            return Optional.of(Set.of(key));
        };
    }

    private <K> KeyQueryMetadata activeOwner(String store, K key, Serializer<K> serializer) {
        return requireKnown(() -> streams.queryMetadataForKey(store, key, serializer));
    }

    private <K> KeyQueryMetadata activeOwner(String store, K key, StreamPartitioner<? super K, ?> partitioner) {
        return requireKnown(() -> streams.queryMetadataForKey(store, key, partitioner));
    }

    private static KeyQueryMetadata requireKnown(Supplier<KeyQueryMetadata> lookup) {
        KeyQueryMetadata metadata;
        try {
            metadata = lookup.get();
        } catch (IllegalStateException | InvalidStateStoreException e) {
            throw new StoreUnavailableException("instance metadata is not available", e);
        }
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata) || metadata.activeHost().port() < 0) {
            throw new StoreUnavailableException("the owner of the key is not known while the group rebalances");
        }
        return metadata;
    }

    private void requireRunning() {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING) {
            throw new StoreUnavailableException("streams is " + state + ", not RUNNING");
        }
    }

    private <K, V> V readKeyValue(String store, int partition, K key) {
        return readLocal(store, QueryableStoreTypes.<K, V>keyValueStore(), partition,
                (ReadOnlyKeyValueStore<K, V> view) -> view.get(key));
    }

    /**
     * Reads this instance's active copy of one store partition; stale and standby copies are never
     * read, and a partition this instance does not actively own is unavailable. So is every store once
     * Kafka Streams has left RUNNING and REBALANCING since the query began (stopping, or a stream
     * thread failed): {@link KafkaStreams#store} then throws {@link IllegalStateException}. And so is a
     * partition whose task is not processing, or stopped or restarted during the read: Kafka Streams
     * would let a query read a revived task's stores while they are wiped and restored
     * ({@link QueryablePartitions}).
     */
    private <S, R> R readLocal(String store, QueryableStoreType<S> type, int partition, Function<S, R> read) {
        QueryablePartitions.Partition task = queryablePartitions.partition(partition);
        long run = task.currentRun().orElseThrow(() -> new StoreUnavailableException("store " + store
                + " partition " + partition + " is not being processed on this instance (restoring, or not"
                + " active here)"));
        S view;
        try {
            view = streams.store(StoreQueryParameters.fromNameAndType(store, type).withPartition(partition));
        } catch (IllegalStateException e) {
            throw new StoreUnavailableException("store " + store + " partition " + partition
                    + " is not available: " + e.getMessage(), e);
        } catch (InvalidStateStoreException e) {
            throw unavailable(store, partition, e);
        }
        R value;
        try {
            value = reads.read(() -> read.apply(view));
        } catch (InvalidStateStoreException e) {
            throw unavailable(store, partition, e);
        } catch (UnreadableStateValueException e) {
            // a value of a newer version or a damaged one: the stream thread stops on it too (operations.md)
            throw new StoreUnavailableException("a value of store " + store + " partition " + partition
                    + " cannot be read by this version of the application", e);
        }
        if (!task.isStill(run)) { // its stores may have been wiped, and partly restored, under the read
            throw new StoreUnavailableException("store " + store + " partition " + partition
                    + " stopped being processed on this instance during the read");
        }
        return value;
    }

    private static StoreUnavailableException unavailable(String store, int partition, InvalidStateStoreException e) {
        return new StoreUnavailableException("store " + store + " partition " + partition
                + " is not active on this instance (migrating or restoring)", e);
    }
}
