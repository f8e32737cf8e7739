package com.marketplace.streams.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderStatus;
import com.marketplace.events.StoreNames;
import com.marketplace.events.Topics;
import com.marketplace.streams.serde.StateValueFormat;
import com.marketplace.streams.serde.StateValueSerde;
import com.marketplace.streams.stats.BuyerStats;
import com.marketplace.streams.stats.OrderState;
import com.marketplace.streams.stats.OrdersPerMinute;
import com.marketplace.streams.stats.SellerStats;
import com.marketplace.streams.stats.QueryablePartitions;
import com.marketplace.streams.topology.Events;
import com.marketplace.streams.topology.TopologyFixture;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StoreQueries} over a client that is never started: when Kafka Streams leaves RUNNING while a
 * query is under way (it is stopping, or a stream thread failed) the query is unavailable (503), never
 * a failure of the server (500); which range of windows an orders-per-minute query reads; and status
 * counts read beside the topology's status moves, each order in exactly one status.
 */
class StoreQueriesTest {

    private static final HostInfo SELF = new HostInfo("127.0.0.1", 7071);
    private static final HostInfo OWNER_A = new HostInfo("127.0.0.2", 7071);
    private static final HostInfo OWNER_B = new HostInfo("127.0.0.3", 7071);
    private static final Forwarder NO_PEERS = new Forwarder() {
        @Override
        public <T> CompletableFuture<Optional<T>> ask(HostInfo host, String pathAndQuery, Class<T> type) {
            throw new AssertionError("no other instance owns anything here");
        }
    };

    @TempDir
    Path stateDir;

    private KafkaStreams streams;
    private ExecutorService asker;

    @AfterEach
    void close() {
        if (asker != null) {
            asker.shutdownNow();
        }
        if (streams != null) {
            streams.close();
        }
    }

    @Test
    void anOrderStateReadAfterTheClientStartedStoppingIsUnavailable() {
        StoreQueries queries = queriesOn(new StoppedDuringTheQuery(stateDir));

        assertThatThrownBy(() -> queries.orderState(1, Origin.CLIENT))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("PENDING_SHUTDOWN");
    }

    @Test
    void statisticsReadAfterTheClientStartedStoppingAreUnavailable() {
        StoreQueries queries = queriesOn(new StoppedDuringTheQuery(stateDir));

        assertThatThrownBy(() -> queries.statusCounts(Scope.local(Set.of(0))))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("PENDING_SHUTDOWN");
    }

    @Test
    void aPartitionIsReadOnlyWhileItsTaskIsProcessingAndNotAcrossAStopOfIt() {
        QueryablePartitions partitions = new QueryablePartitions();
        AtomicReference<Runnable> duringRead = new AtomicReference<>(() -> { });
        StoreQueries queries;
        Scope partition = Scope.local(Set.of(0));
        try (TopologyFixture topology = TopologyFixture.withQueryablePartitions(partitions)) {
            topology.send(Events.created(1, 1, Events.T0, List.of(Events.item(1, 1, "1000"))));
            queries = queriesOn(new StatusCounts(stateDir, onEachRead(
                    topology.driver.getKeyValueStore(StoreNames.STATUS_COUNTS), () -> duringRead.get().run())),
                    partitions);

            // the task's processors are initialised, which Kafka Streams does once its stores are restored
            assertThat(queries.statusCounts(partition)).containsEntry(OrderStatus.PENDING, 1L);

            // a task found corrupted during the read: closed, its stores wiped, then revived and restored
            QueryablePartitions.Partition task = partitions.partition(0);
            duringRead.set(() -> {
                task.taskStopped();
                task.taskStarted();
            });
            assertThatThrownBy(() -> queries.statusCounts(partition))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("stopped being processed on this instance during the read");
            duringRead.set(() -> { });
            assertThat(queries.statusCounts(partition)).containsEntry(OrderStatus.PENDING, 1L);
        }

        // the topology closed its task (as before a store is wiped, moved or closed): nothing is read
        assertThatThrownBy(() -> queries.statusCounts(partition))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("not being processed on this instance");
    }

    @Test
    void ordersPerMinuteIsCutToTheQueryableDayOnceByTheInstanceAskedAndNotAgainByAnOwner() {
        Instant now = Instant.parse("2026-12-04T12:00:00Z");
        RecordingWindowReads reads = new RecordingWindowReads(stateDir);
        streams = reads;
        StoreQueries queries = new StoreQueries(reads, SELF, NO_PEERS, Clock.fixed(now, ZoneOffset.UTC),
                partitionZeroProcessing());
        Instant from = now.minus(Duration.ofHours(30));

        // asked by a client (all partitions): the range starts no earlier than the queryable day
        queries.ordersPerMinute(from, now, Scope.ALL);
        // asked as an owner (the partitions a forwarding instance named): the range it was given, as given
        queries.ordersPerMinute(from, now, Scope.local(Set.of(0)));

        assertThat(reads.fetchedFrom).containsExactly(now.minus(OrdersPerMinute.QUERYABLE), from);
    }

    @Test
    void statusCountsReadWhileOrdersMoveCountEveryOrderInExactlyOneStatus() throws Exception {
        int orders = 2_000;
        QueryablePartitions locks = new QueryablePartitions();
        try (TopologyFixture topology = TopologyFixture.withQueryablePartitions(locks)) {
            List<EventEnvelope> creations = new ArrayList<>();
            for (int i = 1; i <= orders; i++) {
                EventEnvelope creation = Events.created(i, i % 50 + 1, Events.T0.plusMillis(i),
                        List.of(Events.item(i % 7 + 1, 1, "1000")));
                creations.add(creation);
                topology.send(creation);
            }
            StatusCounts client = new StatusCounts(stateDir,
                    topology.driver.getKeyValueStore(StoreNames.STATUS_COUNTS));
            streams = client;
            StoreQueries queries = new StoreQueries(client, SELF, NO_PEERS, Clock.systemUTC(), locks);
            Scope partition = Scope.local(Set.of(0));
            assertThat(queries.statusCounts(partition)).containsEntry(OrderStatus.PENDING, (long) orders);

            // the statuses move (every order three times) while another thread reads the counts
            AtomicBoolean moving = new AtomicBoolean(true);
            AtomicInteger reads = new AtomicInteger();
            AtomicInteger midway = new AtomicInteger();
            List<Map<OrderStatus, Long>> notWhole = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                while (moving.get()) {
                    Map<OrderStatus, Long> counts = queries.statusCounts(partition);
                    reads.incrementAndGet();
                    if (counts.values().stream().filter(count -> count > 0).count() > 1) {
                        midway.incrementAndGet(); // read between two moves: the orders were in two statuses
                    }
                    if (counts.values().stream().mapToLong(Long::longValue).sum() != orders) {
                        notWhole.add(counts);
                    }
                }
            }, "status-counts-reader");
            reader.start();
            try {
                OrderStatus[] path = {OrderStatus.PENDING, OrderStatus.PAID, OrderStatus.SHIPPED,
                    OrderStatus.DELIVERED};
                for (int step = 1; step < path.length; step++) {
                    for (EventEnvelope creation : creations) {
                        topology.send(Events.changed(creation, path[step - 1], path[step],
                                creation.occurredAt().plusSeconds(step)));
                    }
                }
            } finally {
                moving.set(false);
                reader.join();
            }

            assertThat(midway.get()).as("reads while the orders were moving (of %d reads)", reads.get()).isPositive();
            assertThat(notWhole).as("counts that did not add up to the %d orders", orders).isEmpty();
            assertThat(queries.statusCounts(partition)).containsEntry(OrderStatus.DELIVERED, (long) orders);
        }
    }

    @Test
    void theOtherOwnersAreAskedAtTheSameTimeAndTheirCountsAddedToTheLocalOnes() throws Exception {
        WaitingForwarder owners = new WaitingForwarder();
        Future<Map<OrderStatus, Long>> counts = statusCountsOfThreeOwnersAskedOfBoth(owners);
        assertThat(counts).isNotDone();

        owners.answer(OWNER_B, Map.of("PENDING", 20, "PAID", 0, "SHIPPED", 0, "DELIVERED", 0, "CANCELLED", 2));
        owners.answer(OWNER_A, Map.of("PENDING", 10, "PAID", 1, "SHIPPED", 0, "DELIVERED", 0, "CANCELLED", 0));

        assertThat(counts.get(10, TimeUnit.SECONDS)).containsExactlyInAnyOrderEntriesOf(Map.of(
                OrderStatus.PENDING, 31L, OrderStatus.PAID, 2L, OrderStatus.SHIPPED, 1L,
                OrderStatus.DELIVERED, 1L, OrderStatus.CANCELLED, 3L));
    }

    @Test
    void aStatisticOverManyPartitionsLooksUpTheirOwnersOnceNotOncePerPartition() {
        int partitions = 10_000;
        AtomicInteger lookUps = new AtomicInteger();
        Map<HostInfo, String> asked = new ConcurrentHashMap<>();
        streams = new RunningClient(stateDir) {
            @Override
            public <K> KeyQueryMetadata queryMetadataForKey(String storeName, K key,
                    StreamPartitioner<? super K, ?> partitioner) {
                lookUps.incrementAndGet();
                int partition = partitioner.partitions("store-queries-test-input", key, null, partitions)
                        .orElseThrow().iterator().next();
                return new KeyQueryMetadata(partition % 2 == 0 ? OWNER_A : OWNER_B, Set.of(), partition);
            }

            /** The even partitions owned by one instance, the odd ones by another. */
            @Override
            public Collection<StreamsMetadata> streamsMetadataForStore(String storeName) {
                Set<TopicPartition> even = new HashSet<>();
                Set<TopicPartition> odd = new HashSet<>();
                for (int partition = 0; partition < partitions; partition++) {
                    (partition % 2 == 0 ? even : odd).add(new TopicPartition(Topics.ORDER_CREATED, partition));
                }
                return List.of(new ActiveMember(OWNER_A, Set.of(storeName), even),
                        new ActiveMember(OWNER_B, Set.of(storeName), odd));
            }
        };
        Forwarder answering = new Forwarder() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> CompletableFuture<Optional<T>> ask(HostInfo host, String pathAndQuery, Class<T> type) {
                asked.put(host, pathAndQuery);
                return CompletableFuture.completedFuture(Optional.of((T) Map.of("PENDING", 1, "PAID", 0, "SHIPPED", 0,
                        "DELIVERED", 0, "CANCELLED", 0)));
            }
        };
        StoreQueries queries = new StoreQueries(streams, SELF, answering, Clock.systemUTC(),
                partitionZeroProcessing());

        assertThat(queries.statusCounts(Scope.ALL)).containsEntry(OrderStatus.PENDING, 2L);
        assertThat(lookUps.get()).as("the partition count's look-up, not one per partition").isEqualTo(1);
        assertThat(asked.keySet()).containsExactlyInAnyOrder(OWNER_A, OWNER_B);
        assertThat(asked.get(OWNER_B)).contains("=1,3,5,").endsWith(",9997,9999");
    }

    @Test
    void anOwnerThatFailsMakesTheQueryUnavailableAtOnceAndCancelsTheAskStillWaiting() throws Exception {
        WaitingForwarder owners = new WaitingForwarder();
        Future<Map<OrderStatus, Long>> counts = statusCountsOfThreeOwnersAskedOfBoth(owners);

        // the owner asked second fails while the first has not answered: no wait for the first
        owners.asked.get(OWNER_B).completeExceptionally(
                new StoreUnavailableException("instance " + OWNER_B + " did not answer in time"));

        assertThatThrownBy(() -> counts.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("did not answer in time");
        assertThat(owners.asked.get(OWNER_A)).as("the ask still under way").isCancelled();
    }

    /**
     * Status counts over all partitions of {@link ThreeOwners}, asked on a thread of their own and
     * returned once both other owners have been asked: one owner at a time would ask the second
     * only after the first had answered, and this would wait in vain.
     */
    private Future<Map<OrderStatus, Long>> statusCountsOfThreeOwnersAskedOfBoth(WaitingForwarder owners) {
        return askedOfBothOtherOwners(owners, queries -> queries.statusCounts(Scope.ALL));
    }

    private <T> Future<T> askedOfBothOtherOwners(WaitingForwarder owners, Function<StoreQueries, T> query) {
        if (streams != null) {
            streams.close();
        }
        streams = new ThreeOwners(stateDir);
        StoreQueries queries = new StoreQueries(streams, SELF, owners, Clock.systemUTC(),
                partitionZeroProcessing());
        asker = Executors.newSingleThreadExecutor();
        Future<T> answer = asker.submit(() -> query.apply(queries));
        await().atMost(Duration.ofSeconds(10)).until(() -> owners.asked.size() == 2);
        assertThat(owners.asked.keySet()).containsExactlyInAnyOrder(OWNER_A, OWNER_B);
        return answer;
    }

    @Test
    void statusCountsAnOwnerCannotHaveMakeTheSumUnavailable() throws Exception {
        Map<String, Object> valid = Map.of("PENDING", 1, "PAID", 0, "SHIPPED", 0, "DELIVERED", 0, "CANCELLED", 0);
        List<Optional<Object>> wrong = List.of(
                Optional.of(plus(valid, "REFUNDED", 7)),
                Optional.of(plus(valid, "PAID", 1.5)),
                Optional.of(plus(valid, "PAID", -5)),
                Optional.of(plus(valid, "PAID", new BigInteger("18446744073709551617"))),
                Optional.empty());
        for (Optional<Object> answer : wrong) {
            WaitingForwarder owners = new WaitingForwarder();
            Future<Map<OrderStatus, Long>> counts = statusCountsOfThreeOwnersAskedOfBoth(owners);
            owners.answer(OWNER_A, valid);
            owners.asked.get(OWNER_B).complete(answer);

            assertThatThrownBy(() -> counts.get(10, TimeUnit.SECONDS)).as("answer %s", answer)
                    .hasCauseInstanceOf(StoreUnavailableException.class);
            asker.shutdownNow();
        }
    }

    @Test
    void windowsAnOwnerWasNotAskedForMakeTheSumUnavailableAndTheSumIsInWindowOrder() throws Exception {
        Instant to = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        Instant from = to.minus(Duration.ofMinutes(10));
        Function<StoreQueries, List<WindowCount>> query = queries -> queries.ordersPerMinute(from, to, Scope.ALL);
        WindowCount inRange = new WindowCount(from.plus(Duration.ofMinutes(3)), 2);
        List<WindowCount[]> wrong = List.of(
                new WindowCount[] {new WindowCount(to, 1)},
                new WindowCount[] {new WindowCount(from.minus(Duration.ofMinutes(1)), 1)},
                new WindowCount[] {new WindowCount(from.plusSeconds(30), 1)},
                new WindowCount[] {inRange, inRange},
                new WindowCount[] {new WindowCount(inRange.windowStart(), -1)});
        for (WindowCount[] answer : wrong) {
            WaitingForwarder owners = new WaitingForwarder();
            Future<List<WindowCount>> windows = askedOfBothOtherOwners(owners, query);
            owners.answer(OWNER_A, new WindowCount[] {inRange});
            owners.answer(OWNER_B, answer);

            assertThatThrownBy(() -> windows.get(10, TimeUnit.SECONDS)).as("answer %s", List.of(answer))
                    .hasCauseInstanceOf(StoreUnavailableException.class);
            asker.shutdownNow();
        }

        WaitingForwarder owners = new WaitingForwarder();
        Future<List<WindowCount>> windows = askedOfBothOtherOwners(owners, query);
        WindowCount earlier = new WindowCount(from, 1);
        owners.answer(OWNER_A, new WindowCount[] {inRange, earlier});
        owners.answer(OWNER_B, new WindowCount[] {new WindowCount(inRange.windowStart(), 3)});
        assertThat(windows.get(10, TimeUnit.SECONDS))
                .containsExactly(earlier, new WindowCount(inRange.windowStart(), 5));
    }

    @Test
    void sellerStatisticsAnOwnerCannotHaveMakeTheSumUnavailable() throws Exception {
        Function<StoreQueries, Optional<SellerStatsView>> query = queries -> queries.sellerStats(7, Scope.ALL);
        SellerStatsView valid = new SellerStatsView(7, 2, 3, new BigDecimal("10.50"));
        List<SellerStatsView> wrong = List.of(
                new SellerStatsView(8, 2, 3, new BigDecimal("10.50")),
                new SellerStatsView(7, -2, 3, new BigDecimal("10.50")),
                new SellerStatsView(7, 2, -3, new BigDecimal("10.50")),
                new SellerStatsView(7, 2, 3, new BigDecimal("-10.50")),
                new SellerStatsView(7, 2, 3, new BigDecimal("10.505")),
                new SellerStatsView(7, 2, 3, new BigDecimal("1E+5000")),
                new SellerStatsView(7, Long.MAX_VALUE, 3, new BigDecimal("10.50")));
        for (SellerStatsView answer : wrong) {
            WaitingForwarder owners = new WaitingForwarder();
            Future<Optional<SellerStatsView>> stats = askedOfBothOtherOwners(owners, query);
            owners.answer(OWNER_A, valid);
            owners.answer(OWNER_B, answer);

            assertThatThrownBy(() -> stats.get(10, TimeUnit.SECONDS)).as("answer %s", answer)
                    .hasCauseInstanceOf(StoreUnavailableException.class);
            asker.shutdownNow();
        }

        WaitingForwarder owners = new WaitingForwarder();
        Future<Optional<SellerStatsView>> stats = askedOfBothOtherOwners(owners, query);
        owners.answer(OWNER_A, valid);
        // an amount an event may carry: more places written, none of them used
        owners.answer(OWNER_B, new SellerStatsView(7, 1, 1, new BigDecimal("2.000")));
        // this instance's partition holds one order of one item for 1.00 (ThreeOwners)
        assertThat(stats.get(10, TimeUnit.SECONDS)).hasValueSatisfying(sum -> {
            assertThat(sum.orders()).isEqualTo(4);
            assertThat(sum.itemsSold()).isEqualTo(5);
            assertThat(sum.revenue()).isEqualByComparingTo("13.50");
        });
    }

    @Test
    void buyerStatisticsAnOwnerCannotHaveMakeTheSumUnavailable() throws Exception {
        Function<StoreQueries, Optional<BuyerStatsView>> query = queries -> queries.buyerStats(9, Scope.ALL);
        BuyerStatsView valid = new BuyerStatsView(9, 2, new BigDecimal("20.00"));
        List<BuyerStatsView> wrong = List.of(
                new BuyerStatsView(10, 2, new BigDecimal("20.00")),
                new BuyerStatsView(9, -1, new BigDecimal("20.00")),
                new BuyerStatsView(9, 2, new BigDecimal("0.001")),
                new BuyerStatsView(9, Long.MAX_VALUE, new BigDecimal("20.00")));
        for (BuyerStatsView answer : wrong) {
            WaitingForwarder owners = new WaitingForwarder();
            Future<Optional<BuyerStatsView>> stats = askedOfBothOtherOwners(owners, query);
            owners.answer(OWNER_A, valid);
            owners.answer(OWNER_B, answer);

            assertThatThrownBy(() -> stats.get(10, TimeUnit.SECONDS)).as("answer %s", answer)
                    .hasCauseInstanceOf(StoreUnavailableException.class);
            asker.shutdownNow();
        }
    }

    @Test
    void theStateOfAnotherOrderFromItsOwnerIsUnavailable() {
        OrderStateView other = new OrderStateView(12, "ORD-12", true, OrderStatus.PAID, Instant.EPOCH, 3,
                "b@example.com", List.of(4L), List.of(), new BigDecimal("5.00"), "KRW", Instant.EPOCH, Instant.EPOCH);
        Forwarder answersOther = new Forwarder() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> CompletableFuture<Optional<T>> ask(HostInfo host, String pathAndQuery, Class<T> type) {
                return CompletableFuture.completedFuture(Optional.of((T) other));
            }
        };
        streams = new ThreeOwners(stateDir);
        StoreQueries queries = new StoreQueries(streams, SELF, answersOther, Clock.systemUTC(),
                partitionZeroProcessing());

        assertThatThrownBy(() -> queries.orderState(11, Origin.CLIENT))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("order 12");
    }

    @Test
    void aStoredValueThisVersionCannotReadMakesTheAnswerUnavailable() {
        // a compact order state of a version this one does not know, read as the store's view reads it
        byte[] newer = {0x02, 0, 0, 0};
        ReadOnlyKeyValueStore<String, OrderState> states = readOnlyStore(key ->
                StateValueSerde.orderState(StateValueFormat.COMPACT).deserializer().deserialize("changelog", newer));
        StoreQueries queries = queriesOn(new OwnsEverything(stateDir, states));

        assertThatThrownBy(() -> queries.orderState(1, Origin.CLIENT))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("cannot be read by this version");
    }

    @Test
    void aStoreReadHeldUpBehindACommitIsUnavailableAtTheBoundNotWhenTheStoreLetsGo() throws Exception {
        // a store whose reads wait, as a cached store's wait while a commit writes its cache out
        // through a producer that waits for the broker
        CountDownLatch commitEnds = new CountDownLatch(1);
        ReadOnlyKeyValueStore<String, OrderState> held = readOnlyStore(key -> {
            try {
                commitEnds.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        StoreQueries queries = queriesOn(new OwnsEverything(stateDir, held));
        // the commit ends after a while: a query that waits for it answers, late, instead of hanging the test
        CompletableFuture.delayedExecutor(StoreQueries.READ_TIMEOUT.toSeconds() + 8, TimeUnit.SECONDS)
                .execute(commitEnds::countDown);
        try {
            long start = System.nanoTime();
            assertThatThrownBy(() -> queries.orderState(1, Origin.CLIENT))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("did not end within");
            // the bound and a margin for a slow machine, far below the producer's 60 s
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(StoreQueries.READ_TIMEOUT.plusSeconds(5));
        } finally {
            commitEnds.countDown();
        }
    }

    @SuppressWarnings("unchecked")
    private static <K, V> ReadOnlyKeyValueStore<K, V> readOnlyStore(Function<K, V> get) {
        return (ReadOnlyKeyValueStore<K, V>) Proxy.newProxyInstance(StoreQueriesTest.class.getClassLoader(),
                new Class<?>[] {ReadOnlyKeyValueStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("get")) {
                        return get.apply((K) args[0]);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Map<String, Object> plus(Map<String, Object> counts, String status, Object count) {
        Map<String, Object> changed = new HashMap<>(counts);
        changed.put(status, count);
        return changed;
    }

    /** Queries on {@code client} of a topology whose task of partition 0, the one read here, is processing. */
    private StoreQueries queriesOn(KafkaStreams client) {
        return queriesOn(client, partitionZeroProcessing());
    }

    private StoreQueries queriesOn(KafkaStreams client, QueryablePartitions partitions) {
        streams = client;
        return new StoreQueries(client, SELF, NO_PEERS, Clock.systemUTC(), partitions);
    }

    /** Partition 0's task processing, as the topology reports it once the task's stores are restored. */
    private static QueryablePartitions partitionZeroProcessing() {
        QueryablePartitions partitions = new QueryablePartitions();
        partitions.partition(0).taskStarted();
        return partitions;
    }

    /** {@code store}, running {@code beforeRead} before each of its look-ups. */
    @SuppressWarnings("unchecked")
    private static KeyValueStore<String, Long> onEachRead(KeyValueStore<String, Long> store, Runnable beforeRead) {
        return (KeyValueStore<String, Long>) Proxy.newProxyInstance(StoreQueriesTest.class.getClassLoader(),
                new Class<?>[] {KeyValueStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("get")) {
                        beforeRead.run();
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** A client of a one-topic topology, never started, that reports RUNNING: the fakes below start from it. */
    private abstract static class RunningClient extends KafkaStreams {

        RunningClient(Path stateDir) {
            super(topology(), config(stateDir));
        }

        private static org.apache.kafka.streams.Topology topology() {
            StreamsBuilder builder = new StreamsBuilder();
            builder.stream("store-queries-test-input");
            return builder.build();
        }

        private static Properties config(Path stateDir) {
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "store-queries-test");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            return props;
        }

        @Override
        public State state() {
            return State.RUNNING;
        }

        /** One input partition, owned by this instance. */
        @Override
        public <K> KeyQueryMetadata queryMetadataForKey(String storeName, K key,
                StreamPartitioner<? super K, ?> partitioner) {
            int partition = partitioner.partitions("store-queries-test-input", key, null, 1)
                    .orElseThrow().iterator().next();
            return new KeyQueryMetadata(SELF, Set.of(), partition);
        }

        /** This instance, owning that partition of the order topics. */
        @Override
        public Collection<StreamsMetadata> streamsMetadataForStore(String storeName) {
            return List.of(owning(SELF, storeName, 0));
        }
    }

    /** {@code host}'s metadata as the group's: active for {@code store} on {@code partition} of both order topics. */
    private static StreamsMetadata owning(HostInfo host, String store, int partition) {
        return new ActiveMember(host, Set.of(store), Set.of(new TopicPartition(Topics.ORDER_CREATED, partition),
                new TopicPartition(Topics.ORDER_STATUS_CHANGED, partition)));
    }

    /** A member of the group as its metadata describes it: the stores and input partitions it holds active. */
    private record ActiveMember(HostInfo hostInfo, Set<String> stateStoreNames, Set<TopicPartition> topicPartitions)
            implements StreamsMetadata {

        @Override
        public Set<TopicPartition> standbyTopicPartitions() {
            return Set.of();
        }

        @Override
        public Set<String> standbyStateStoreNames() {
            return Set.of();
        }

        @Override
        public String host() {
            return hostInfo.host();
        }

        @Override
        public int port() {
            return hostInfo.port();
        }
    }

    /**
     * A client that reports RUNNING when the query checks, owns every key, and whose stores are
     * refused as {@link KafkaStreams#store} refuses them once the client is no longer running or
     * rebalancing.
     */
    private static final class StoppedDuringTheQuery extends RunningClient {

        StoppedDuringTheQuery(Path stateDir) {
            super(stateDir);
        }

        @Override
        public <K> KeyQueryMetadata queryMetadataForKey(String storeName, K key, Serializer<K> keySerializer) {
            return new KeyQueryMetadata(SELF, Set.of(), 0);
        }

        @Override
        public <T> T store(StoreQueryParameters<T> storeQueryParameters) {
            throw new IllegalStateException("KafkaStreams is not running. State is PENDING_SHUTDOWN.");
        }
    }

    /** A client (never started) that reports RUNNING, owns every key and answers every store with {@code store}. */
    private static final class OwnsEverything extends RunningClient {

        private final Object store;

        OwnsEverything(Path stateDir, Object store) {
            super(stateDir);
            this.store = store;
        }

        @Override
        public <K> KeyQueryMetadata queryMetadataForKey(String storeName, K key, Serializer<K> keySerializer) {
            return new KeyQueryMetadata(SELF, Set.of(), 0);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T store(StoreQueryParameters<T> parameters) {
            return (T) store;
        }
    }

    /** A client (never started) that reports RUNNING and reads a topology test driver's status counts. */
    private static final class StatusCounts extends RunningClient {

        private final KeyValueStore<String, Long> store;

        StatusCounts(Path stateDir, KeyValueStore<String, Long> store) {
            super(stateDir);
            this.store = store;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T store(StoreQueryParameters<T> parameters) {
            assertThat(parameters.storeName()).isEqualTo(StoreNames.STATUS_COUNTS);
            return (T) store;
        }
    }

    /**
     * A client (never started) that reports RUNNING, owns every key and partition, and whose
     * orders-per-minute store records where each read starts and holds no window.
     */
    private static final class RecordingWindowReads extends RunningClient {

        final List<Instant> fetchedFrom = new ArrayList<>();

        RecordingWindowReads(Path stateDir) {
            super(stateDir);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T store(StoreQueryParameters<T> parameters) {
            return (T) noWindows(getClass().getClassLoader(), fetchedFrom::add);
        }

        /** An orders-per-minute store that holds no window and tells {@code fetches} where each read starts. */
        @SuppressWarnings("unchecked")
        static ReadOnlyWindowStore<String, Long> noWindows(ClassLoader loader, Consumer<Instant> fetches) {
            WindowStoreIterator<Long> none = (WindowStoreIterator<Long>) Proxy.newProxyInstance(
                    loader, new Class<?>[] {WindowStoreIterator.class}, (proxy, method, args) ->
                            method.getName().equals("hasNext") ? false : null);
            return (ReadOnlyWindowStore<String, Long>) Proxy.newProxyInstance(loader,
                    new Class<?>[] {ReadOnlyWindowStore.class}, (proxy, method, args) -> {
                        if (method.getName().equals("fetch") && args.length == 3 && args[1] instanceof Instant start) {
                            fetches.accept(start);
                            return none;
                        }
                        throw new AssertionError("not read by the query: " + method);
                    });
        }
    }

    /** A forwarder whose asks wait until the test answers them. */
    private static final class WaitingForwarder implements Forwarder {

        final Map<HostInfo, CompletableFuture<Optional<Object>>> asked = new ConcurrentHashMap<>();

        @Override
        @SuppressWarnings("unchecked")
        public <T> CompletableFuture<Optional<T>> ask(HostInfo host, String pathAndQuery, Class<T> type) {
            CompletableFuture<Optional<Object>> answer = new CompletableFuture<>();
            assertThat(asked.putIfAbsent(host, answer)).as("asked once: %s", host).isNull();
            return (CompletableFuture<Optional<T>>) (CompletableFuture<?>) answer;
        }

        void answer(HostInfo host, Object body) {
            asked.get(host).complete(Optional.of(body));
        }
    }

    /**
     * A client (never started) that reports RUNNING and finds three partitions, the first owned by
     * this instance, which counts one order in each status there, the others by two other instances.
     */
    private static final class ThreeOwners extends RunningClient {

        private static final List<HostInfo> OWNERS = List.of(SELF, OWNER_A, OWNER_B);

        ThreeOwners(Path stateDir) {
            super(stateDir);
        }

        @Override
        public <K> KeyQueryMetadata queryMetadataForKey(String storeName, K key,
                StreamPartitioner<? super K, ?> partitioner) {
            int partition = partitioner.partitions("store-queries-test-input", key, null, OWNERS.size())
                    .orElseThrow().iterator().next();
            return new KeyQueryMetadata(OWNERS.get(partition), Set.of(), partition);
        }

        @Override
        public Collection<StreamsMetadata> streamsMetadataForStore(String storeName) {
            return List.of(owning(SELF, storeName, 0), owning(OWNER_A, storeName, 1), owning(OWNER_B, storeName, 2));
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T store(StoreQueryParameters<T> parameters) {
            assertThat(parameters.partition()).as("only this instance's partition is read here").isEqualTo(0);
            if (parameters.storeName().equals(StoreNames.ORDERS_PER_MINUTE)) {
                return (T) RecordingWindowReads.noWindows(getClass().getClassLoader(), start -> { });
            }
            String store = parameters.storeName();
            return (T) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ReadOnlyKeyValueStore.class},
                    (proxy, method, args) -> {
                        if (!method.getName().equals("get")) {
                            throw new AssertionError("not read by the query: " + method);
                        }
                        return switch (store) {
                            case StoreNames.SELLER_STATS -> new SellerStats((Long) args[0], 1, 1, new BigDecimal("1.00"));
                            case StoreNames.BUYER_STATS -> new BuyerStats((Long) args[0], 1, new BigDecimal("1.00"));
                            default -> 1L;
                        };
                    });
        }

        /** Every key is in the partition of {@link #OWNER_A}. */
        @Override
        public <K> KeyQueryMetadata queryMetadataForKey(String storeName, K key, Serializer<K> keySerializer) {
            return new KeyQueryMetadata(OWNER_A, Set.of(), 1);
        }
    }
}
