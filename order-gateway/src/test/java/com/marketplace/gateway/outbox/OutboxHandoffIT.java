package com.marketplace.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marketplace.events.EventCodec;
import com.marketplace.events.EventEnvelope;
import com.marketplace.events.Topics;
import com.marketplace.gateway.config.GatewayConfig;
import com.marketplace.gateway.db.Transactions;
import com.marketplace.gateway.order.OrderMetrics;
import com.marketplace.gateway.order.OrderService;
import com.marketplace.gateway.order.jdbc.JdbcIdempotencyRepository;
import com.marketplace.gateway.order.jdbc.JdbcOrderRepository;
import com.marketplace.gateway.order.jdbc.JdbcOrderTransactions;
import com.marketplace.gateway.outbox.PublishedEvents.Published;
import com.marketplace.gateway.outbox.jdbc.JdbcOutboxRepository;
import com.marketplace.gateway.support.JdbcOrderTransactionsFactory;
import com.marketplace.gateway.support.MutableClock;
import com.marketplace.gateway.support.RunningGateway;
import com.marketplace.gateway.support.TestDatabase;
import com.marketplace.gateway.support.TestOrders;
import com.marketplace.kafka.embedded.EmbeddedKafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rows handed from the order transaction straight to the relay, without a claim round. */
class OutboxHandoffIT {

    /** The lease of the relay that dies: longer than the test takes until its relay's clock is moved past it. */
    private static final Duration DEAD_RELAYS_LEASE = Duration.ofSeconds(120);

    private static final EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build();

    @BeforeAll
    static void startBroker() {
        broker.start();
        broker.createTopics(3, Topics.ORDER_CREATED, Topics.ORDER_STATUS_CHANGED);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void cleanDatabase() {
        TestDatabase.clean();
    }

    @Test
    void ordersAndTheirStatusChangesLeaveInOrderWithoutWaitingForAPoll() {
        // Given a relay that polls only once a minute, so only the direct path and asked-for claim
        // rounds can publish within the test
        try (RunningGateway gateway = RunningGateway.start(relayConfig("PT60S"), OutboxNotifier.NONE)) {
            List<Long> orders = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String location = gateway.postJson("/api/v1/orders", TestOrders.json(100 + i))
                        .headers().firstValue("Location").orElseThrow();
                orders.add(Long.parseLong(location.substring(location.lastIndexOf('/') + 1)));
            }
            List<UUID> created = allPayloads().stream().map(p -> EventCodec.INSTANCE.decodeEnvelope(p).eventId()).toList();
            PublishedEvents.awaitAll(broker.bootstrapServers(), created, Duration.ofSeconds(20));
            // (the orders' events were handed over, not claimed: one claim round ran, at start-up)
            assertThat(claimRounds(gateway)).isEqualTo(1);

            // When each order moves on twice (its creation already published: MariaDbConnectorIT races a
            // change against its creation in flight)
            for (long order : orders) {
                assertThat(gateway.putJson("/api/v1/orders/" + order + "/status", "{\"status\":\"PAID\"}").statusCode())
                        .isEqualTo(200);
                assertThat(gateway.putJson("/api/v1/orders/" + order + "/status", "{\"status\":\"SHIPPED\"}")
                        .statusCode()).isEqualTo(200);
            }

            // Then all 60 events are published within seconds, each once, in order per order
            List<UUID> eventIds = allPayloads().stream()
                    .map(p -> EventCodec.INSTANCE.decodeEnvelope(p).eventId()).toList();
            assertThat(eventIds).hasSize(60);
            List<Published> published = PublishedEvents.awaitAll(broker.bootstrapServers(), eventIds,
                    Duration.ofSeconds(20)).stream().filter(p -> eventIds.contains(p.eventId())).toList();
            assertThat(PublishedEvents.countsByEventId(published).values()).allMatch(n -> n == 1);
            // (Kafka orders records per partition only, and a creation is on a topic of its own: the order
            // checked here is that of the two status changes, PAID before SHIPPED; the creation is put first)
            Map<String, List<String>> typesByOrder = new HashMap<>();
            for (Published p : published.stream().sorted(Comparator
                    .comparing((Published r) -> !r.topic().equals(Topics.ORDER_CREATED))
                    .thenComparingLong(Published::offset)).toList()) {
                EventEnvelope envelope = EventCodec.INSTANCE.decodeEnvelope(p.value());
                typesByOrder.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(statusOf(envelope));
            }
            assertThat(typesByOrder).hasSize(20)
                    .allSatisfy((order, statuses) -> assertThat(statuses).containsExactly("PENDING", "PAID", "SHIPPED"));
        }
    }

    @Test
    void withoutWakeOnCommitTheRowsAreWrittenUnleasedAndWaitForThePoll() {
        // Given a relay told not to take rows at commit, polling every 10 s
        Map<String, String> env = new HashMap<>();
        env.put(GatewayConfig.OUTBOX_WAKE_ON_COMMIT, "false");
        try (RunningGateway gateway = RunningGateway.start(relayConfig("PT10S", env), OutboxNotifier.NONE)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> claimRounds(gateway) >= 1);
            long roundsBefore = claimRounds(gateway);

            // When orders are created
            for (int i = 0; i < 5; i++) {
                assertThat(gateway.postJson("/api/v1/orders", TestOrders.json(300 + i)).statusCode()).isEqualTo(201);
            }

            // Then their rows are left unleased and pending for the next poll, which publishes them
            List<UUID> created = TestDatabase.outboxPayloads("OrderCreated").stream()
                    .map(p -> EventCodec.INSTANCE.decodeEnvelope(p).eventId()).toList();
            assertThat(created).hasSize(5).allSatisfy(id -> {
                assertThat(OutboxFixtures.column("claimed_by", id)).as("not leased at commit").isBlank();
                assertThat(OutboxFixtures.statusOf(id)).isEqualTo("PENDING");
            });
            assertThat(claimRounds(gateway)).as("no claim round asked for").isEqualTo(roundsBefore);
            PublishedEvents.awaitAll(broker.bootstrapServers(), created, Duration.ofSeconds(25));
            assertThat(claimRounds(gateway)).isGreaterThan(roundsBefore);
        }
    }

    @Test
    void rowsLeasedToARelayThatDiedArePublishedByAnotherOnceTheLeaseExpires() throws Exception {
        // Given order transactions that lease their rows to a relay which dies before publishing
        Transactions tx = OutboxFixtures.tx();
        OutboxHandoff deadRelay = new OutboxHandoff() {
            @Override
            public Optional<Lease> lease() {
                return Optional.of(new Lease("relay-dead", Instant.now().plus(DEAD_RELAYS_LEASE)));
            }

            @Override
            public void committed(List<OutboxRow> rows, java.util.Set<String> unleasedAggregates) {
                // the process died here
            }
        };
        OrderService orders = new OrderService(new JdbcOrderTransactions(tx, new JdbcOrderRepository(),
                new JdbcIdempotencyRepository(), new JdbcOutboxRepository(), deadRelay),
                JdbcOrderTransactionsFactory.orderIds(), OutboxNotifier.NONE, OrderMetrics.NONE);
        for (int i = 0; i < 10; i++) {
            orders.create(TestOrders.request(200 + i), null);
        }
        assertThat(OutboxFixtures.countByStatus(OutboxStatus.PENDING)).isEqualTo(10);
        List<UUID> eventIds = allPayloads().stream()
                .map(p -> EventCodec.INSTANCE.decodeEnvelope(p).eventId()).toList();

        // When another relay runs
        MutableClock clock = new MutableClock();
        try (OutboxRelay survivor = new OutboxRelay(OutboxFixtures.store(),
                OutboxPublisher.create(kafka(), clock),
                RelaySettings.of("relay-survivor", 500, Duration.ofMillis(200), 10),
                new OutboxMetrics(new SimpleMeterRegistry(), clock), clock)) {
            survivor.start();
            // Then it leaves them alone while the lease holds (its rounds run every 200 ms), and
            // publishes each once after it
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> OutboxFixtures.countByStatus(OutboxStatus.PROCESSED) == 0);
            clock.advance(DEAD_RELAYS_LEASE);
            List<Published> published = PublishedEvents.awaitAll(broker.bootstrapServers(), eventIds,
                    Duration.ofSeconds(30)).stream().filter(p -> eventIds.contains(p.eventId())).toList();
            assertThat(PublishedEvents.countsByEventId(published)).hasSize(10).allSatisfy((id, n) -> assertThat(n).isOne());
        }
    }

    @Test
    void rowsCommittedTooLateToKeepTheirLeaseAreLeftToTheClaimRoundsAndSentOnce() {
        // Given a relay with 3 s leases, renewed every second, and an order transaction held up for
        // 1.5 s after it took its lease (by the database, say): too late for two renewals before it lapses
        try (OutboxRelay relay = new OutboxRelay(OutboxFixtures.store(),
                OutboxPublisher.create(kafka(), Clock.systemUTC()),
                RelaySettings.of("relay-late-commit", 500, Duration.ofMillis(100), 10).withLease(Duration.ofSeconds(3)),
                new OutboxMetrics(new SimpleMeterRegistry(), Clock.systemUTC()), Clock.systemUTC())) {
            relay.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> relay.lease().isPresent());
            List<OutboxRow> handedOver = new CopyOnWriteArrayList<>();
            List<OutboxHandoff.Lease> leases = new CopyOnWriteArrayList<>();
            OutboxHandoff heldUp = new OutboxHandoff() {
                @Override
                public Optional<Lease> lease() {
                    Optional<Lease> lease = relay.lease();
                    lease.ifPresent(leases::add);
                    sleepUninterruptibly(Duration.ofMillis(1_500));
                    return lease;
                }

                @Override
                public boolean canHandOver(Lease lease) {
                    return relay.canHandOver(lease);
                }

                @Override
                public void committed(List<OutboxRow> rows, Set<String> unleasedAggregates) {
                    handedOver.addAll(rows);
                    relay.committed(rows, unleasedAggregates);
                }
            };
            OrderService orders = new OrderService(new JdbcOrderTransactions(OutboxFixtures.tx(),
                    new JdbcOrderRepository(), new JdbcIdempotencyRepository(), new JdbcOutboxRepository(), heldUp),
                    JdbcOrderTransactionsFactory.orderIds(), OutboxNotifier.NONE, OrderMetrics.NONE);

            // When the order commits
            orders.create(TestOrders.request(700), null);

            // Then its row, written leased, is not handed over but claimed once the lease has run out, and sent once
            assertThat(leases).hasSize(1);
            assertThat(handedOver).isEmpty();
            assertEachPublishedOnceAndProcessed(1);
        }
    }

    @Test
    void acknowledgementsOfATrickleOfOrdersAreRecordedTogether() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // (a record window of 200 ms, not 20: on a slow machine an order's commit, send and
        // acknowledgement may not fit in 20 ms, and no two recordings would meet)
        OutboxRelay relay = new OutboxRelay(OutboxFixtures.store(), OutboxPublisher.create(kafka(), Clock.systemUTC()),
                RelaySettings.of("relay-trickle", 500, Duration.ofMinutes(1), 10)
                        .withRecordWindow(Duration.ofMillis(200)),
                new OutboxMetrics(registry, Clock.systemUTC()), Clock.systemUTC());
        long sends;
        long records;
        try {
            // Given a running relay whose producer has its metadata (one order through it already)
            OrderService orders = startWithOneOrderThrough(relay, 299);
            long sendsBefore = rounds(registry, "await-acks");
            long recordsBefore = rounds(registry, "record");

            // When 20 orders commit one at a time, each as soon as the previous one's event has been
            // acknowledged: a trickle, every event in a send of its own and nothing waiting when its
            // acknowledgements come (a fixed pause between orders left that to the machine's speed)
            for (int i = 0; i < 20; i++) {
                long acknowledged = rounds(registry, "await-acks");
                orders.create(TestOrders.request(300 + i), null);
                await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(10))
                        .until(() -> rounds(registry, "await-acks") > acknowledged);
            }

            // Then every event is published once and recorded PROCESSED
            assertEachPublishedOnceAndProcessed(21);
            relay.close();
            sends = rounds(registry, "await-acks") - sendsBefore;
            records = rounds(registry, "record") - recordsBefore;
        } finally {
            relay.close();
        }
        // and in fewer recording transactions than there were sends (counted once the relay has stopped)
        assertThat(sends).isGreaterThanOrEqualTo(5);
        assertThat(records).isLessThan(sends);
    }

    @Test
    void whileRecordingIsHeldUpTheRelayStopsSendingAndThenSendsWhatCameMeanwhileAtOnce() {
        // Given a relay whose recording transactions wait at a gate
        RecordingGate recording = new RecordingGate();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (OutboxRelay relay = recording.relay(RelaySettings.of("relay-held-up", 500, Duration.ofMinutes(1), 10),
                registry)) {
            OrderService orders = startWithOneOrderThrough(relay, 400);
            long sendsBefore = rounds(registry, "await-acks");
            long recordsBefore = rounds(registry, "record");

            // When recording is held up while orders go on committing: four, each published before
            // the next, then 26 more
            recording.holdWhileFourOrdersAreSent(orders, 401);
            List<UUID> sentWhileHeld = eventIds();
            for (int i = 4; i < 30; i++) {
                orders.create(TestOrders.request(401 + i), null);
            }

            // Then, with three batches unrecorded and a fourth sent, the relay sends nothing more
            // (without the bound each of these orders' events would leave within milliseconds)
            Set<UUID> heldBack = Set.copyOf(sentWhileHeld);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10))
                    .until(() -> publishedOf(eventIds()).equals(heldBack));

            // and once recording goes on, the 26 leave in one send, every event once, all recorded;
            // with sends waiting, each is recorded in a transaction of its own, not in groups
            recording.release();
            assertEachPublishedOnceAndProcessed(31);
            relay.close();
            assertThat(rounds(registry, "await-acks") - sendsBefore).isEqualTo(5);
            assertThat(rounds(registry, "record") - recordsBefore).isEqualTo(5);
        } finally {
            recording.release();
        }
    }

    @Test
    void rowsHandedOverWhileTheRelayCannotSendThemKeepTheirLeaseAndNoOtherRelayTakesThemOver() {
        // Given a relay with leases of 3 s (an order's transaction has a second to hand its rows over),
        // whose recording is held up so that it stops sending
        RecordingGate recording = new RecordingGate();
        try (OutboxRelay relay = recording.relay(RelaySettings.of("relay-queued", 500, Duration.ofMinutes(1), 10)
                .withLease(Duration.ofSeconds(3)), new SimpleMeterRegistry())) {
            OrderService orders = startWithOneOrderThrough(relay, 500);
            recording.holdWhileFourOrdersAreSent(orders, 501);
            List<UUID> sent = eventIds();

            // When five more orders hand their rows to it, and they wait in its queue for three leases
            for (int i = 5; i < 10; i++) {
                orders.create(TestOrders.request(500 + i), null);
            }
            List<UUID> queued = eventIds().stream().filter(id -> !sent.contains(id)).toList();
            assertThat(queued).hasSize(5);
            await().pollDelay(Duration.ofSeconds(9)).atMost(Duration.ofSeconds(11)).until(() -> true);

            // Then the relay still holds them, renewed, and a relay claiming now finds nothing to take
            OutboxRelay other = new OutboxRelay(OutboxFixtures.store(), OutboxPublisher.create(kafka(), Clock.systemUTC()),
                    RelaySettings.of("relay-other", 500, Duration.ofMinutes(1), 10), new OutboxMetrics(
                    new SimpleMeterRegistry(), Clock.systemUTC()), Clock.systemUTC());
            try (other) {
                assertThat(other.claim()).extracting(OutboxRow::eventId).doesNotContainAnyElementsOf(queued);
            }
            assertThat(queued).allSatisfy(id -> assertThat(OutboxFixtures.column("claimed_by", id)).isEqualTo("relay-queued"));

            // and once recording goes on, each queued event is published once (a row whose recording was
            // held up longer than a lease may be sent again by the other relay's claim: the lease rule)
            recording.release();
            List<Published> published = PublishedEvents.awaitAll(broker.bootstrapServers(), queued,
                    Duration.ofSeconds(20)).stream().filter(p -> queued.contains(p.eventId())).toList();
            assertThat(PublishedEvents.countsByEventId(published)).hasSize(5).allSatisfy((id, n) -> assertThat(n).isOne());
        } finally {
            recording.release();
        }
    }

    @Test
    void aRelayThatCannotReachItsBrokerLeasesNothingSoAnotherRelaySendsItsOrdersAtOnce() {
        // Given a relay whose preparation fails every time (its broker unreachable), with leases of 5 min
        try (OutboxRelay unready = new OutboxRelay(OutboxFixtures.store(),
                OutboxPublisher.create(kafka(), Clock.systemUTC()),
                RelaySettings.of("relay-unready", 500, Duration.ofMillis(100), 10).withLease(Duration.ofMinutes(5)),
                new OutboxMetrics(new SimpleMeterRegistry(), Clock.systemUTC()), Clock.systemUTC())) {
            AtomicInteger attempts = new AtomicInteger();
            unready.beforeFirstRound(() -> {
                attempts.incrementAndGet();
                throw new IllegalStateException("broker unreachable");
            }, () -> { });
            unready.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() >= 2);

            // When orders are created through it
            OrderService orders = new OrderService(new JdbcOrderTransactions(OutboxFixtures.tx(),
                    new JdbcOrderRepository(), new JdbcIdempotencyRepository(), new JdbcOutboxRepository(), unready),
                    JdbcOrderTransactionsFactory.orderIds(), OutboxNotifier.NONE, OrderMetrics.NONE);
            for (int i = 0; i < 3; i++) {
                orders.create(TestOrders.request(600 + i), null);
            }

            // Then their rows are not leased to it, and a relay that can send publishes them at once
            List<UUID> created = eventIds();
            assertThat(created).hasSize(3)
                    .allSatisfy(id -> assertThat(OutboxFixtures.column("claimed_by", id)).as("leased").isBlank());
            try (OutboxRelay other = new OutboxRelay(OutboxFixtures.store(),
                    OutboxPublisher.create(kafka(), Clock.systemUTC()),
                    RelaySettings.of("relay-ready", 500, Duration.ofMillis(200), 10),
                    new OutboxMetrics(new SimpleMeterRegistry(), Clock.systemUTC()), Clock.systemUTC())) {
                other.start();
                assertEachPublishedOnceAndProcessed(3);
            }
        }
    }

    @Test
    void rowsHandedOverAfterTheRelayStoppedAreReleasedAtOnceNotHeldForTheLease() {
        // Given a running relay with leases of 5 min, and order transactions that get their lease from
        // it but whose commit comes only after the relay was closed
        OutboxRelay relay = new OutboxRelay(OutboxFixtures.store(), OutboxPublisher.create(kafka(), Clock.systemUTC()),
                RelaySettings.of("relay-closing", 500, Duration.ofMillis(200), 10).withLease(Duration.ofMinutes(5)),
                new OutboxMetrics(new SimpleMeterRegistry(), Clock.systemUTC()), Clock.systemUTC());
        // closed by the commit already, unless the test failed before it: then not left running, and a
        // failure of that close is added to the test's own
        try (relay) {
            relay.start();
            releasedAtOnce(relay);
        }
    }

    private void releasedAtOnce(OutboxRelay relay) {
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.lease().isPresent());
        OutboxHandoff closedBeforeTheCommit = new OutboxHandoff() {
            @Override
            public Optional<Lease> lease() {
                return relay.lease();
            }

            @Override
            public void committed(List<OutboxRow> rows, Set<String> unleasedAggregates) {
                relay.close();
                relay.committed(rows, unleasedAggregates);
            }
        };
        OrderService orders = new OrderService(new JdbcOrderTransactions(OutboxFixtures.tx(),
                new JdbcOrderRepository(), new JdbcIdempotencyRepository(), new JdbcOutboxRepository(),
                closedBeforeTheCommit), JdbcOrderTransactionsFactory.orderIds(), OutboxNotifier.NONE, OrderMetrics.NONE);

        // When an order is created meanwhile
        orders.create(TestOrders.request(650), null);

        // Then its row, leased to the stopped relay, is released and left PENDING for any relay at once
        UUID id = eventIds().get(0);
        assertThat(OutboxFixtures.statusOf(id)).isEqualTo("PENDING");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(OutboxFixtures.column("claimed_by", id)).as("still leased to the stopped relay").isBlank());
    }

    /**
     * The outbox store of a relay whose recording transactions can be held at a gate; its claims and
     * the orders' own transactions are not (the recording runs on the thread named
     * {@code outbox-relay-acks-<id>}).
     */
    private static final class RecordingGate {

        private final AtomicReference<CountDownLatch> gate = new AtomicReference<>(new CountDownLatch(0));
        private final AtomicInteger arrivals = new AtomicInteger();

        OutboxRelay relay(RelaySettings settings, SimpleMeterRegistry registry) {
            OutboxTransactions store = OutboxFixtures.store();
            OutboxTransactions gated = new OutboxTransactions() {
                @Override
                public <T> T inTransaction(Function<OutboxStore, T> work) {
                    if (Thread.currentThread().getName().startsWith("outbox-relay-acks-")) {
                        arrivals.incrementAndGet();
                        awaitUninterruptibly(gate.get());
                    }
                    return store.inTransaction(work);
                }
            };
            return new OutboxRelay(gated, OutboxPublisher.create(kafka(), Clock.systemUTC()), settings,
                    new OutboxMetrics(registry, Clock.systemUTC()), Clock.systemUTC());
        }

        /**
         * Holds recording, then creates four orders from {@code firstBuyer} on, each published before
         * the next: three sent batches stay unrecorded and a fourth is sent, so the relay sends
         * nothing more until {@link #release}.
         */
        void holdWhileFourOrdersAreSent(OrderService orders, int firstBuyer) {
            gate.set(new CountDownLatch(1));
            int arrivedBefore = arrivals.get();
            for (int i = 0; i < 4; i++) {
                orders.create(TestOrders.request(firstBuyer + i), null);
                PublishedEvents.awaitAll(broker.bootstrapServers(), eventIds(), Duration.ofSeconds(20));
                if (i == 0) {
                    // the first is a trickle and may wait for company before it is recorded: let it
                    // reach the gate alone, so that what follows is the load the test is about
                    await().atMost(Duration.ofSeconds(10)).until(() -> arrivals.get() > arrivedBefore);
                }
            }
        }

        void release() {
            gate.get().countDown();
        }
    }

    private static Properties kafka() {
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", broker.bootstrapServers());
        return kafka;
    }

    /**
     * Starts the relay and returns an order service whose transactions hand their rows to it, once
     * one order ({@code n}) has gone through and been recorded, so the producer has its metadata.
     */
    private static OrderService startWithOneOrderThrough(OutboxRelay relay, int n) {
        relay.start();
        OrderService orders = new OrderService(new JdbcOrderTransactions(OutboxFixtures.tx(),
                new JdbcOrderRepository(), new JdbcIdempotencyRepository(), new JdbcOutboxRepository(), relay),
                JdbcOrderTransactionsFactory.orderIds(), OutboxNotifier.NONE, OrderMetrics.NONE);
        orders.create(TestOrders.request(n), null);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> OutboxFixtures.countByStatus(OutboxStatus.PROCESSED) == 1);
        return orders;
    }

    /** Every event of the outbox table is on the topics exactly once, and {@code n} rows are PROCESSED. */
    private static void assertEachPublishedOnceAndProcessed(int n) {
        List<UUID> all = eventIds();
        List<Published> published = PublishedEvents.awaitAll(broker.bootstrapServers(), all,
                Duration.ofSeconds(20)).stream().filter(p -> all.contains(p.eventId())).toList();
        assertThat(PublishedEvents.countsByEventId(published)).hasSize(n).allSatisfy((id, count) -> assertThat(count).isOne());
        await().atMost(Duration.ofSeconds(10)).until(() -> OutboxFixtures.countByStatus(OutboxStatus.PROCESSED) == n);
    }

    /** Which of {@code ids} are on the topics now. */
    private static Set<UUID> publishedOf(List<UUID> ids) {
        return PublishedEvents.readAll(broker.bootstrapServers()).stream().map(Published::eventId)
                .filter(ids::contains).collect(Collectors.toSet());
    }

    /** The relay's rounds of one phase so far ({@code outbox.round} timer count). */
    private static long rounds(SimpleMeterRegistry registry, String phase) {
        return registry.get("outbox.round").tag("phase", phase).timer().count();
    }

    private static List<UUID> eventIds() {
        return allPayloads().stream().map(p -> EventCodec.INSTANCE.decodeEnvelope(p).eventId()).toList();
    }

    private static void sleepUninterruptibly(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        boolean interrupted = false;
        for (long left = duration.toNanos(); left > 0; left = until - System.nanoTime()) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static long claimRounds(RunningGateway gateway) {
        return gateway.get("/metrics").body().lines()
                .filter(l -> l.startsWith("outbox_round_seconds_count{") && l.contains("phase=\"claim\""))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static List<String> allPayloads() {
        List<String> payloads = new ArrayList<>(TestDatabase.outboxPayloads("OrderCreated"));
        payloads.addAll(TestDatabase.outboxPayloads("OrderStatusChanged"));
        return payloads;
    }

    private static String statusOf(EventEnvelope envelope) {
        String json = EventCodec.INSTANCE.encodeToString(envelope);
        int at = json.lastIndexOf("\"status\":\"");
        return json.substring(at + 10, json.indexOf('"', at + 10));
    }

    private static GatewayConfig relayConfig(String pollInterval) {
        return relayConfig(pollInterval, Map.of());
    }

    private static GatewayConfig relayConfig(String pollInterval, Map<String, String> more) {
        Map<String, String> env = new HashMap<>(more);
        env.put(GatewayConfig.RELAY_ENABLED, "true");
        env.put(GatewayConfig.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
        env.put(GatewayConfig.OUTBOX_POLL_INTERVAL, pollInterval);
        return TestDatabase.gatewayConfig(env);
    }
}
