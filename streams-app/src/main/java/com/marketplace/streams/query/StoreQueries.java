package com.marketplace.streams.query;

import com.marketplace.events.OrderStatus;
import com.marketplace.events.StoreNames;
import com.marketplace.streams.stats.BuyerStats;
import com.marketplace.streams.stats.OrderState;
import com.marketplace.streams.stats.OrdersPerMinute;
import com.marketplace.streams.stats.SellerStats;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * Every read of the order-stats stores, correct across several instances of the app.
 *
 * <p>Every store is read by key. The key's active owner comes from
 * {@link KafkaStreams#queryMetadataForKey}: this instance answers from its local <em>active</em> store
 * partition (never a standby or stale copy), any other owner is asked over HTTP through the
 * {@link Forwarder}. Status counts are keyed by status, so they are gathered from the owners of the
 * five statuses, one request per owner, and merged; orders per minute are counted under the single
 * key {@link OrdersPerMinute#KEY}, so one owner holds them all. A {@link Origin#FORWARDED} query is
 * answered only when this instance still owns the key.
 *
 * <p>Whenever an exact answer cannot be guaranteed — Kafka Streams not RUNNING, owner unknown,
 * store migrating or restoring ({@link InvalidStateStoreException}), an owner not answering — the
 * methods throw {@link StoreUnavailableException}; they never return a partial or stale value.
 */
public final class StoreQueries {

    private static final Serializer<String> STRINGS = new StringSerializer();
    private static final Serializer<Long> LONGS = new LongSerializer();

    private final KafkaStreams streams;
    private final HostInfo self;
    private final Forwarder forwarder;
    private final Clock clock;

    /**
     * @param self      this instance's {@code application.server}
     * @param forwarder how other owners are asked
     * @param clock     decides which orders-per-minute windows are older than the retention
     */
    public StoreQueries(KafkaStreams streams, HostInfo self, Forwarder forwarder, Clock clock) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.self = Objects.requireNonNull(self, "self");
        this.forwarder = Objects.requireNonNull(forwarder, "forwarder");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The latest state of an order, empty when the stream has seen no event of it. */
    public Optional<OrderState> orderState(long orderId, Origin origin) {
        String key = Long.toString(orderId);
        return lookup(StoreNames.ORDER_STATE, key, STRINGS, origin,
                partition -> readKeyValue(StoreNames.ORDER_STATE, partition, key),
                owner -> forwarder.get(owner, QueryPaths.withId(QueryPaths.ORDER_STATE, orderId), OrderState.class));
    }

    /** A seller's statistics, empty when no complete order of the seller has been seen. */
    public Optional<SellerStats> sellerStats(long sellerId, Origin origin) {
        return lookup(StoreNames.SELLER_STATS, sellerId, LONGS, origin,
                partition -> readKeyValue(StoreNames.SELLER_STATS, partition, sellerId),
                owner -> forwarder.get(owner, QueryPaths.withId(QueryPaths.SELLER_STATS, sellerId), SellerStats.class));
    }

    /** A buyer's statistics, empty when no complete order of the buyer has been seen. */
    public Optional<BuyerStats> buyerStats(long buyerId, Origin origin) {
        return lookup(StoreNames.BUYER_STATS, buyerId, LONGS, origin,
                partition -> readKeyValue(StoreNames.BUYER_STATS, partition, buyerId),
                owner -> forwarder.get(owner, QueryPaths.withId(QueryPaths.BUYER_STATS, buyerId), BuyerStats.class));
    }

    /**
     * The number of complete orders in each status over all instances; every status is present (0 when none).
     * Each status is read from its active owner; the answer is given only when every owner answered.
     */
    public Map<OrderStatus, Long> statusCounts() {
        requireRunning();
        Map<HostInfo, List<OrderStatus>> byOwner = Arrays.stream(OrderStatus.values())
                .collect(Collectors.groupingBy(status -> activeOwner(StoreNames.STATUS_COUNTS, status.name(), STRINGS)
                        .activeHost(), LinkedHashMap::new, Collectors.toList()));
        Map<OrderStatus, Long> counts = new EnumMap<>(OrderStatus.class);
        byOwner.forEach((owner, statuses) -> counts.putAll(self.equals(owner)
                ? localStatusCounts(statuses) : remoteStatusCounts(owner, statuses)));
        if (counts.size() != OrderStatus.values().length) {
            throw new StoreUnavailableException("status counts are incomplete while ownership moves");
        }
        return counts;
    }

    /**
     * The counts of {@code statuses} from this instance's active stores only (a forwarded gather).
     *
     * @throws StoreUnavailableException when this instance does not own one of them (any more)
     */
    public Map<OrderStatus, Long> localStatusCounts(Collection<OrderStatus> statuses) {
        requireRunning();
        Map<OrderStatus, Long> counts = new EnumMap<>(OrderStatus.class);
        for (OrderStatus status : statuses) {
            KeyQueryMetadata owner = activeOwner(StoreNames.STATUS_COUNTS, status.name(), STRINGS);
            requireSelf(owner);
            Long count = this.<String, Long>readKeyValue(StoreNames.STATUS_COUNTS, owner.partition(), status.name());
            counts.put(status, count == null ? 0L : count);
        }
        return counts;
    }

    private Map<OrderStatus, Long> remoteStatusCounts(HostInfo owner, List<OrderStatus> statuses) {
        String names = statuses.stream().map(Enum::name).collect(Collectors.joining(","));
        Map<?, ?> answer = forwarder.get(owner, QueryPaths.STATUS_COUNTS + "?" + QueryPaths.STATUSES_PARAM + "=" + names,
                Map.class).orElseThrow(() -> new StoreUnavailableException("instance " + owner + " has no status counts"));
        Map<OrderStatus, Long> counts = new EnumMap<>(OrderStatus.class);
        for (OrderStatus status : statuses) {
            if (!(answer.get(status.name()) instanceof Number count)) {
                throw new StoreUnavailableException("instance " + owner + " did not count " + status);
            }
            counts.put(status, count.longValue());
        }
        return counts;
    }

    /**
     * Orders created per minute for the windows starting in {@code [from, to)} and not older than
     * the store's retention, ordered by window start.
     */
    public List<WindowCount> ordersPerMinute(Instant from, Instant to, Origin origin) {
        Instant oldest = clock.instant().minus(OrdersPerMinute.RETENTION);
        Instant start = from.isBefore(oldest) ? oldest : from;
        Instant end = to.minusMillis(1);
        Function<Integer, List<WindowCount>> local = partition ->
                start.isAfter(end) ? List.of() : readWindows(partition, start, end);
        Function<HostInfo, Optional<List<WindowCount>>> remote = owner -> forwarder
                .get(owner, QueryPaths.ORDERS_PER_MINUTE + "?from=" + encode(from) + "&to=" + encode(to),
                        WindowCount[].class)
                .map(List::of);
        return lookup(StoreNames.ORDERS_PER_MINUTE, OrdersPerMinute.KEY, STRINGS, origin, local, remote)
                .orElse(List.of());
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

    private <K, V> Optional<V> lookup(String store, K key, Serializer<K> serializer, Origin origin,
                                      Function<Integer, V> local, Function<HostInfo, Optional<V>> remote) {
        requireRunning();
        KeyQueryMetadata owner = activeOwner(store, key, serializer);
        if (self.equals(owner.activeHost())) {
            return Optional.ofNullable(local.apply(owner.partition()));
        }
        if (origin == Origin.FORWARDED) {
            throw new StoreUnavailableException("this instance no longer owns the key; ask again");
        }
        return remote.apply(owner.activeHost());
    }

    private <K> KeyQueryMetadata activeOwner(String store, K key, Serializer<K> serializer) {
        KeyQueryMetadata metadata;
        try {
            metadata = streams.queryMetadataForKey(store, key, serializer);
        } catch (IllegalStateException e) {
            throw new StoreUnavailableException("instance metadata is not available", e);
        }
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata) || metadata.activeHost().port() < 0) {
            throw new StoreUnavailableException("the owner of the key is not known while the group rebalances");
        }
        return metadata;
    }

    private void requireSelf(KeyQueryMetadata owner) {
        if (!self.equals(owner.activeHost())) {
            throw new StoreUnavailableException("this instance no longer owns the key; ask again");
        }
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

    /** Reads the local active copy of one store partition; stale and standby copies are never read. */
    private <S, R> R readLocal(String store, QueryableStoreType<S> type, int partition, Function<S, R> read) {
        try {
            S view = streams.store(StoreQueryParameters.fromNameAndType(store, type).withPartition(partition));
            return read.apply(view);
        } catch (InvalidStateStoreException e) {
            throw new StoreUnavailableException("store " + store + " is migrating or restoring", e);
        }
    }
}
