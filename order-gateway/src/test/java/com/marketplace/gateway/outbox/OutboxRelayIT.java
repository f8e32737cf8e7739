package com.marketplace.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.awaitility.Awaitility.await;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.Topics;
import com.marketplace.gateway.db.UtcTimestamps;
import com.marketplace.gateway.outbox.PublishedEvents.Published;
import com.marketplace.gateway.outbox.jdbc.JdbcOutboxRepository;
import com.marketplace.gateway.support.MutableClock;
import com.marketplace.gateway.support.TestDatabase;
import com.marketplace.kafka.embedded.EmbeddedKafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The outbox relay against a real broker and the test database. */
class OutboxRelayIT {

    private static final EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build();
    private final List<OutboxRelay> relays = new ArrayList<>();
    private final List<OutboxPublisher> publishers = new ArrayList<>();
    private final JdbcOutboxRepository repository = new JdbcOutboxRepository();

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

    @AfterEach
    void stopRelays() {
        relays.forEach(OutboxRelay::close);
        publishers.forEach(OutboxPublisher::close);
    }

    @ParameterizedTest(name = "{0} relay(s)")
    @ValueSource(ints = {1, 2, 4})
    void everyEventArrivesOnceAndInOutboxOrderPerOrder(int relayCount) {
        // Given relays running while 5,000 events of 200 orders are committed
        for (int i = 0; i < relayCount; i++) {
            startRelay(settings("relay-" + i), Clock.systemUTC());
        }
        long firstOrder = relayCount * 100_000L;
        List<EventEnvelope> events = OutboxFixtures.insertRounds(firstOrder, 200, 25, 100);
        relays.forEach(OutboxRelay::eventsCommitted);

        // Then every event arrives exactly once (read once every row is marked: no relay sends any more)
        PublishedEvents.awaitAll(broker.bootstrapServers(),
                events.stream().map(EventEnvelope::eventId).toList(), Duration.ofSeconds(120));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> OutboxFixtures.countByStatus(OutboxStatus.PROCESSED) == events.size());
        List<Published> ours = PublishedEvents.readAll(broker.bootstrapServers()).stream()
                .filter(p -> Long.parseLong(p.key()) >= firstOrder && Long.parseLong(p.key()) < firstOrder + 200)
                .toList();
        assertThat(ours).hasSize(5_000);
        assertThat(PublishedEvents.countsByEventId(ours).values()).allMatch(n -> n == 1);
        // and each order's events sit on one partition per topic, in outbox order
        assertOutboxOrderPerOrder(ours);
    }

    @Test
    void rowOfALateCommittingTransactionIsStillPublished() throws Exception {
        startRelay(settings("relay-late"), Clock.systemUTC());
        EventEnvelope late = OutboxFixtures.event(1, 0);
        try (Connection held = TestDatabase.dataSource().getConnection()) {
            // Given a transaction that inserted an outbox row (lower id) and has not committed
            held.setAutoCommit(false);
            repository.insert(held, NewOutboxEvent.from(late));
            // When 1,000 later rows commit and are published meanwhile
            List<EventEnvelope> others = new ArrayList<>();
            for (long order = 2; order < 1_002; order++) {
                others.add(OutboxFixtures.event(order, 0));
            }
            OutboxFixtures.insert(others);
            relays.get(0).eventsCommitted();
            PublishedEvents.awaitAll(broker.bootstrapServers(),
                    others.stream().map(EventEnvelope::eventId).toList(), Duration.ofSeconds(60));
            held.commit();
        }
        relays.get(0).eventsCommitted();

        // Then the late row is published too
        PublishedEvents.awaitAll(broker.bootstrapServers(), List.of(late.eventId()), Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "PROCESSED".equals(OutboxFixtures.statusOf(late.eventId())));
    }

    @Test
    void relaysClaimingAtOnceNeverTakeTheSameRow() throws Exception {
        // Given 3,000 due rows and four relays that claim batches of 50 at the same moment, again
        // and again, without recording anything (so every claim stays live)
        OutboxFixtures.insertRounds(20_000, 3_000, 1, 500);
        List<OutboxRelay> claiming = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            claiming.add(newRelay(RelaySettings.of("relay-race-" + i, 50, Duration.ofMinutes(1), 10)
                    .withLease(Duration.ofMinutes(10)), Clock.systemUTC()));
        }
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(claiming.size());
        java.util.concurrent.ExecutorService threads =
                java.util.concurrent.Executors.newFixedThreadPool(claiming.size());
        List<java.util.concurrent.Future<List<OutboxRow>>> takes = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (OutboxRelay relay : claiming) {
            takes.add(threads.submit(() -> {
                List<OutboxRow> taken = new ArrayList<>();
                together.await();
                // until no row is left outside every claim (a claim's range may span rows others took,
                // and rows nobody took: those wait for it to end)
                while (outsideEveryClaim() > 0 && System.nanoTime() - deadline < 0) {
                    taken.addAll(relay.claim());
                }
                return taken;
            }));
        }
        List<Long> all = new ArrayList<>();
        try {
            for (java.util.concurrent.Future<List<OutboxRow>> take : takes) {
                take.get(60, java.util.concurrent.TimeUnit.SECONDS).forEach(row -> all.add(row.id()));
            }
        } finally {
            threads.shutdownNow();
        }

        // Then no row went to two of them, and every row went to one or waits inside a claim
        assertThat(all).doesNotHaveDuplicates().isNotEmpty();
        assertThat(outsideEveryClaim()).isZero();
        assertThat(TestDatabase.queryLong("SELECT COALESCE(SUM(row_count), 0) FROM outbox_claims"))
                .isEqualTo(all.size());
        // and no row was written to claim it: the claims are rows of their own
        assertThat(TestDatabase.queryLong("SELECT COUNT(*) FROM outbox_events WHERE claimed_by <> ''")).isZero();
    }

    @Test
    void aClaimNeverTakesAnOrdersNextEventWhosePredecessorCommittedWhileTheClaimRan() throws Exception {
        // Given 10,000 orders whose first event is leased to another relay for long and whose second
        // waits behind it: every claim walks them in vain, reading each second event's predecessors,
        // so each claim statement runs for a while after its first read
        OutboxFixtures.insertRounds(40_000, 10_000, 2, 1_000);
        try (Connection conn = TestDatabase.dataSource().getConnection()) {
            conn.createStatement().executeUpdate("UPDATE outbox_events SET claimed_by = 'elsewhere',"
                    + " claimed_until = '2100-01-01' WHERE event_type = 'OrderCreated'");
            conn.commit();
        }
        OutboxRelay relay = newRelay(RelaySettings.of("relay-head", 500, Duration.ofMinutes(1), 10)
                .withLease(Duration.ofMinutes(10)), Clock.systemUTC());
        java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor();
        java.util.Random random = new java.util.Random(11);
        List<UUID> nextEvents = new ArrayList<>();
        List<OutboxRow> claimed = new ArrayList<>();
        int overlapped = 0;
        try {
            for (int round = 0; round < 150; round++) {
                // When, while a claim runs, an order's event commits leased to that other relay (so not
                // processed, and not claimable), and right after it the order's next event, unleased
                long orderId = 100_000 + round;
                EventEnvelope first = OutboxFixtures.event(orderId, 0);
                EventEnvelope next = OutboxFixtures.event(orderId, 1);
                nextEvents.add(next.eventId());
                int delayMicros = random.nextInt(25_000);
                java.util.concurrent.Future<long[]> commits = writer.submit(() -> {
                    java.util.concurrent.locks.LockSupport.parkNanos(delayMicros * 1_000L);
                    long firstBegan = System.nanoTime();
                    OutboxFixtures.tx().inTransaction(conn -> repository.insert(conn, NewOutboxEvent.from(first),
                            new OutboxHandoff.Lease("elsewhere", Instant.parse("2100-01-01T00:00:00Z"))));
                    OutboxFixtures.insert(List.of(next));
                    return new long[] {firstBegan, System.nanoTime()};
                });
                long claimStarted = System.nanoTime();
                claimed.addAll(relay.claim());
                long claimEnded = System.nanoTime();
                long[] committed = commits.get(30, java.util.concurrent.TimeUnit.SECONDS);
                // both commits fell inside the claim: the first after it had begun, the next before it ended
                overlapped += committed[0] > claimStarted && committed[1] < claimEnded ? 1 : 0;
            }
        } finally {
            writer.shutdownNow();
        }

        // Then no claim took a next event: each waits behind its order's unfinished first one; and the
        // race was run: in many rounds the next event committed while the claim ran
        assertThat(claimed).as("rows claimed though their order's previous event was not processed")
                .extracting(OutboxRow::eventId).isEmpty();
        assertThat(overlapped).as("rounds whose next event committed during the claim").isGreaterThanOrEqualTo(50);
        assertThat(OutboxFixtures.countByStatus(OutboxStatus.PENDING)).isEqualTo(20_000 + 2L * nextEvents.size());
    }

    @Test
    void aRecordingWithAFailureNeverDeadlocksWithALeaseRenewalOfTheSameRows() throws Exception {
        assumeFalse(TestDatabase.isH2(), "needs InnoDB's row locks");
        // Given two rows leased to a relay at their commit: the first failed to publish, the second was
        // acknowledged (a recording marks the acknowledged one first, then records the failure)
        OutboxRelay relay = newRelay(settings("relay-locks").withLease(Duration.ofMinutes(10)), Clock.systemUTC());
        OutboxHandoff.Lease lease = new OutboxHandoff.Lease("relay-locks", Instant.now().plus(Duration.ofMinutes(10)));
        List<OutboxRow> rows = new ArrayList<>();
        for (long order = 60_001; order <= 60_002; order++) {
            NewOutboxEvent event = NewOutboxEvent.from(OutboxFixtures.event(order, 0));
            rows.add(event.asRow(OutboxFixtures.tx().inTransaction(conn -> repository.insert(conn, event, lease))));
        }
        List<PublishOutcome> outcomes = List.of(
                PublishOutcome.failed(rows.get(0), PublishOutcome.Result.RETRIABLE,
                        new IllegalStateException("broker")),
                PublishOutcome.acked(rows.get(1), Instant.now()));

        // When a lease renewal, in id order, holds the first row while the relay records, and then
        // goes on to the second
        try (Connection renewal = TestDatabase.dataSource().getConnection()) {
            renewLease(renewal, rows.get(0).id());
            java.util.concurrent.CompletableFuture<Void> recording =
                    java.util.concurrent.CompletableFuture.runAsync(() -> relay.complete(outcomes));
            // (the recording's statement that needs the first row is under way, so waiting for it; the
            // process list shows a user's own connections without further privileges)
            await().atMost(Duration.ofSeconds(10)).until(() -> TestDatabase.queryLong("""
                    SELECT COUNT(*) FROM information_schema.PROCESSLIST
                    WHERE ID <> CONNECTION_ID() AND INFO LIKE '%outbox_events%'
                      AND (INFO LIKE '%FOR UPDATE%' OR INFO LIKE '%retry_count + %')""") == 1);
            renewLease(renewal, rows.get(1).id());
            renewal.commit();

            // Then both go through: the renewal takes the second row, and the recording, which waited
            // for the first without holding the second, records both outcomes
            recording.get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(OutboxFixtures.statusOf(rows.get(1).eventId())).isEqualTo("PROCESSED");
        assertThat(OutboxFixtures.statusOf(rows.get(0).eventId())).isEqualTo("PENDING");
        assertThat(OutboxFixtures.column("retry_count", rows.get(0).eventId())).isEqualTo("1");
    }

    /** Extends the row's lease as a renewal does: an update that locks it until the transaction ends. */
    private static void renewLease(Connection conn, long id) throws java.sql.SQLException {
        try (java.sql.PreparedStatement ps = conn.prepareStatement(
                "UPDATE outbox_events SET claimed_until = claimed_until WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    private static long outsideEveryClaim() {
        return TestDatabase.queryLong("""
                SELECT COUNT(*) FROM outbox_events o WHERE NOT EXISTS (
                    SELECT 1 FROM outbox_claims c WHERE c.first_id <= o.id AND c.last_id >= o.id)""");
    }

    @Test
    void anAcknowledgementIsTimedWhenItCameNotWhenTheRelayReadIt() {
        MutableClock clock = MutableClock.stoppedAt(Instant.parse("2026-12-06T12:00:00Z"));
        OutboxFixtures.insertRounds(5_600, 1, 1, 100);
        OutboxRelay relay = newRelay(settings("relay-ack-time"), clock);
        List<OutboxRow> claimed = relay.claim();
        OutboxPublisher.Sent sent = newPublisher(clock).send(claimed);
        assertThat(sent.awaitDone(System.nanoTime() + Duration.ofSeconds(30).toNanos())).isTrue();

        // the relay reads the outcome a minute after the broker acknowledged the send (a recording before it
        // held it up): outbox_commit_to_ack_seconds times the acknowledgement
        clock.advance(Duration.ofMinutes(1));

        assertThat(sent.awaitOutcomes()).singleElement().extracting(PublishOutcome::ackedAt)
                .isEqualTo(Instant.parse("2026-12-06T12:00:00Z"));
    }

    @Test
    void anInterruptedThreadStillReadsTheOutcomesOfSendsThatHaveEnded() {
        MutableClock clock = new MutableClock();
        OutboxFixtures.insertRounds(5_500, 2, 1, 100);
        OutboxRelay relay = newRelay(settings("relay-interrupted"), clock);
        List<OutboxRow> claimed = relay.claim();
        OutboxPublisher.Sent sent = newPublisher(clock).send(claimed);
        assertThat(sent.awaitDone(System.nanoTime() + Duration.ofSeconds(30).toNanos())).isTrue();

        // Kafka's future checks the interrupt before it gives its result, even when it has one
        Thread.currentThread().interrupt();
        List<PublishOutcome> outcomes;
        try {
            outcomes = sent.awaitOutcomes();
        } finally {
            assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
        }

        // acknowledged rows are not taken for failed attempts (which could park one at its last) nor sent again
        assertThat(outcomes).hasSize(2).extracting(PublishOutcome::result)
                .containsOnly(PublishOutcome.Result.ACKED);
    }

    @Test
    void crashAfterAcksBeforeMarkResendsOnceTheLeaseExpires() throws Exception {
        MutableClock clock = new MutableClock();
        List<EventEnvelope> events = OutboxFixtures.insertRounds(5_000, 50, 2, 100);
        OutboxRelay crashing = newRelay(settings("relay-crashing").withLease(Duration.ofSeconds(30)), clock);

        // Given a relay that claimed and published a batch, then died before marking it
        List<OutboxRow> claimed = crashing.claim();
        List<PublishOutcome> outcomes = newPublisher(clock).publish(claimed);
        assertThat(outcomes).allMatch(o -> o.result() == PublishOutcome.Result.ACKED);
        assertThat(OutboxFixtures.countByStatus(OutboxStatus.PROCESSED)).isZero();

        // When another relay runs after the lease expired
        clock.advance(Duration.ofSeconds(31));
        OutboxRelay survivor = newRelay(settings("relay-survivor"), clock);
        while (survivor.runOnce() > 0) {
            // drain
        }

        // Then nothing is lost: every event is published, those of the crashed batch twice
        List<Published> published = PublishedEvents.awaitAll(broker.bootstrapServers(),
                events.stream().map(EventEnvelope::eventId).toList(), Duration.ofSeconds(30));
        Map<UUID, Long> counts = PublishedEvents.countsByEventId(published);
        Set<UUID> crashedBatch = claimed.stream().map(OutboxRow::eventId).collect(Collectors.toSet());
        assertThat(crashedBatch).isNotEmpty();
        assertThat(events).allMatch(
                e -> counts.getOrDefault(e.eventId(), 0L) == (crashedBatch.contains(e.eventId()) ? 2 : 1));
        assertThat(OutboxFixtures.countByStatus(OutboxStatus.PROCESSED)).isEqualTo(events.size());
    }

    @Test
    void aRelayWhoseRecordingThreadFailsWithAnErrorLetsItsRowsGoToAnotherRelay() throws Exception {
        // Given a relay that claims one row per batch, and whose first recording throws an Error (as
        // when memory runs out) once the relay holds the second row too, sent and waiting to be recorded
        EventEnvelope first = OutboxFixtures.created(9_400, Instant.now());
        EventEnvelope second = OutboxFixtures.created(9_401, Instant.now());
        OutboxFixtures.insert(List.of(first, second));
        OutboxTransactions store = OutboxFixtures.store();
        AtomicBoolean failed = new AtomicBoolean();
        OutboxTransactions failingOnce = new OutboxTransactions() {
            @Override
            public <T> T inTransaction(Function<OutboxStore, T> work) {
                boolean recording = Thread.currentThread().getName().startsWith("outbox-relay-acks-");
                if (recording && !failed.get()) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> OutboxFixtures.heldBy("relay-failing") == 2);
                    failed.set(true);
                    throw new LinkageError("simulated failure of the recording thread");
                }
                return store.inTransaction(work);
            }
        };
        OutboxRelay failing = new OutboxRelay(failingOnce, newPublisher(Clock.systemUTC()),
                RelaySettings.of("relay-failing", 1, Duration.ofMillis(200), 10).withLease(Duration.ofSeconds(2)),
                new OutboxMetrics(new SimpleMeterRegistry(), Clock.systemUTC()), Clock.systemUTC());
        relays.add(failing);
        failing.start();
        await().atMost(Duration.ofSeconds(60)).untilTrue(failed);

        // When another relay runs beside it
        startRelay(settings("relay-beside").withLease(Duration.ofSeconds(2)), Clock.systemUTC());

        // Then the failed relay's hold on the second row lapses instead of being renewed for good, and
        // the other relay sends both rows and records them
        await().atMost(Duration.ofSeconds(30)).until(() -> "PROCESSED".equals(OutboxFixtures.statusOf(first.eventId()))
                && "PROCESSED".equals(OutboxFixtures.statusOf(second.eventId())));
        assertThat(OutboxFixtures.heldBy("relay-failing")).isZero();
    }

    @Test
    void aClaimsLeaseRunsFromWhenItsTransactionHasAConnection() throws Exception {
        // Given a pending row, and transactions that begin 7 s after they are asked for (as when the
        // relay waits behind the requests for one of the pool's connections)
        MutableClock clock = MutableClock.stoppedAt(Instant.now().truncatedTo(ChronoUnit.MICROS));
        OutboxFixtures.insert(List.of(OutboxFixtures.created(9_500, clock.instant())));
        Duration lease = Duration.ofSeconds(10);
        Duration wait = Duration.ofSeconds(7);
        OutboxTransactions store = OutboxFixtures.store();
        OutboxTransactions slowToBegin = new OutboxTransactions() {
            @Override
            public <T> T inTransaction(Function<OutboxStore, T> work) {
                clock.advance(wait);
                return store.inTransaction(work);
            }
        };
        OutboxRelay relay = new OutboxRelay(slowToBegin, newPublisher(clock), settings("relay-slow").withLease(lease),
                new OutboxMetrics(new SimpleMeterRegistry(), clock), clock);
        relays.add(relay);
        Instant asked = clock.instant();

        // When it claims the row
        assertThat(relay.claim()).hasSize(1);

        // Then the claim holds it for a whole lease from when its transaction began, not for what the
        // wait left of one
        try (Connection conn = TestDatabase.dataSource().getConnection();
                PreparedStatement ps = conn.prepareStatement(
                        "SELECT lease_until FROM outbox_claims WHERE relay_id = ?")) {
            ps.setString(1, "relay-slow");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(UtcTimestamps.read(rs, "lease_until")).isEqualTo(asked.plus(wait).plus(lease));
            }
        }
    }

    @Test
    void aRelayThatCannotPrepareItsTopicsBacksOffWhateverTheCommitsAndRemembersNoOrder() {
        // Given a relay whose work before its first round fails every time (the brokers refuse the topics)
        AtomicInteger attempts = new AtomicInteger();
        OutboxRelay relay = newRelay(settings("relay-unprepared"), Clock.systemUTC()).beforeFirstRound(() -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("topics refused");
        }, () -> { });
        relay.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() >= 1);

        // When orders commit rows it did not lease, one every 5 ms for a second
        long end = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        for (int order = 1; System.nanoTime() < end; order++) {
            relay.committed(List.of(), Set.of(String.valueOf(order)));
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }

        // Then it kept its back-off (200 ms doubling: at most four attempts in that time, not one per
        // commit) and holds nothing per order: the first round, whenever it comes, claims every row
        assertThat(attempts.get()).isBetween(1, 4);
        assertThat(relay.awaitedOrders()).isZero();
    }

    @Test
    void aCloseCutsAPreparationForTheFirstRoundShortInsteadOfWaitingALeaseForIt() {
        // Given a relay (leases of 10 s) whose preparation waits for brokers that do not answer, up to a minute
        String relayId = "relay-closed-while-preparing";
        CountDownLatch cancelled = new CountDownLatch(1);
        CountDownLatch preparing = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        OutboxRelay relay = newRelay(settings(relayId).withLease(Duration.ofSeconds(10)), Clock.systemUTC())
                .beforeFirstRound(() -> {
                    attempts.incrementAndGet();
                    preparing.countDown();
                    try {
                        cancelled.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IllegalStateException("no answer from the brokers");
                }, cancelled::countDown);
        relay.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> preparing.getCount() == 0);

        // When it is closed, then the close ends the preparation at once and both threads end with it,
        // without another attempt and without taking the cut-short attempt for a failure of the relay
        assertTimeoutPreemptively(Duration.ofSeconds(3), relay::close);
        assertThat(cancelled.getCount()).isZero();
        await().atMost(Duration.ofSeconds(2)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().endsWith(relayId) && thread.isAlive()));
        assertThat(attempts.get()).isEqualTo(1);
        assertThat(relay.failure().toCompletableFuture()).isNotDone();
    }

    @Test
    void theWorkBeforeTheFirstRoundIsGivenBeforeTheStartOrRefused() {
        // the claiming thread reads it once, as it starts: work given later would never run
        OutboxRelay relay = newRelay(settings("relay-late-preparation"), Clock.systemUTC());
        relay.start();

        assertThatThrownBy(() -> relay.beforeFirstRound(() -> { }, () -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("was started");
    }

    @Test
    void aRelayWhosePreparationFailsWithAnErrorEndsBothOfItsThreads() {
        // Given a relay whose work before its first round throws an Error
        String relayId = "relay-error-in-prepare";
        OutboxRelay relay = newRelay(settings(relayId).withLease(Duration.ofSeconds(2)), Clock.systemUTC())
                .beforeFirstRound(() -> {
                    throw new LinkageError("simulated failure before the first round");
                }, () -> { });
        relay.start();
        assertThat(relay.failure().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join())
                .isInstanceOf(LinkageError.class);

        // When it is closed, then neither its claiming nor its recording thread is left waiting
        relay.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().endsWith(relayId) && thread.isAlive()));
    }

    @Test
    void anEventStampedAheadOfTheRelaysClockIsDueAtOnce() {
        // Given an event written by a gateway whose clock runs an hour ahead of the relay's
        EventEnvelope ahead = OutboxFixtures.created(8_800, Instant.now().plus(Duration.ofHours(1)));
        OutboxFixtures.insert(List.of(ahead));

        // Then the relay's next round takes it, instead of an hour later
        OutboxRelay relay = newRelay(settings("relay-behind"), Clock.systemUTC());
        assertThat(relay.claim()).extracting(OutboxRow::eventId).containsExactly(ahead.eventId());
    }

    @Test
    void aRequeuedEventIsDueAtOnceForARelayWhoseClockRunsBehind() throws Exception {
        // Given an event parked as FAILED and put back by an operator
        EventEnvelope parked = OutboxFixtures.created(8_900, Instant.now());
        OutboxFixtures.insert(List.of(parked));
        OutboxFixtures.tx().inTransaction(conn -> conn.createStatement().executeUpdate(
                "UPDATE outbox_events SET status = 'FAILED', retry_count = 10, last_error = 'boom'"));
        boolean requeued = OutboxFixtures.store().inTransaction(store -> store.retryFailed(parked.eventId()));
        assertThat(requeued).isTrue();

        // Then a relay whose clock runs an hour behind the operator's gateway takes it at once
        Clock hourBehind = Clock.offset(Clock.systemUTC(), Duration.ofHours(-1));
        OutboxRelay relay = newRelay(settings("relay-late-clock"), hourBehind);
        assertThat(relay.claim()).extracting(OutboxRow::eventId).containsExactly(parked.eventId());
    }

    @Test
    void zombieRelayWhoseLeaseWasTakenOverCannotMarkRows() throws Exception {
        MutableClock clock = new MutableClock();
        OutboxFixtures.insertRounds(6_000, 10, 1, 100);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OutboxRelay zombie = newRelay(settings("relay-zombie").withLease(Duration.ofSeconds(10)), clock, registry);
        List<OutboxRow> zombieBatch = zombie.claim();
        List<PublishOutcome> zombieOutcomes = newPublisher(clock).publish(zombieBatch);

        // Given the zombie's lease expired and another relay re-claimed the rows
        clock.advance(Duration.ofSeconds(11));
        OutboxRelay successor = newRelay(settings("relay-successor"), clock);
        assertThat(successor.claim()).hasSameSizeAs(zombieBatch);

        // When the zombie wakes up and records its acks
        zombie.complete(zombieOutcomes);

        // Then its marks are fenced off: the rows stay PENDING and held by the successor
        assertThat(OutboxFixtures.countByStatus(OutboxStatus.PROCESSED)).isZero();
        assertThat(OutboxFixtures.heldBy("relay-successor")).isEqualTo(zombieBatch.size());
        assertThat(OutboxFixtures.heldBy("relay-zombie")).isZero();
        // and every refused update is counted, and none of its copies timed as the send that delivered it
        assertThat(registry.get("outbox.fenced").counter().count()).isEqualTo(zombieBatch.size());
        assertThat(registry.get("outbox.commit.to.ack").timer().count()).isZero();
    }

    @Test
    void rowsARelayOfTheVersionBeforeClaimsMarkedWhileThisOneHeldThemStayMarked() throws Exception {
        MutableClock clock = new MutableClock();
        OutboxFixtures.insertRounds(7_000, 2, 1, 100);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OutboxRelay relay = newRelay(settings("relay-claims"), clock, registry);
        List<OutboxRow> claimed = relay.claim();
        assertThat(claimed).hasSize(2);

        // Given a relay that does not know outbox_claims took both rows for free ones, sent and marked them
        // (its lease on them, taken and cleared by its mark, leaves them as a claim's rows look)
        assertThat(TestDatabase.update("UPDATE outbox_events SET status = 'PROCESSED',"
                + " processed_at = '2026-01-01 00:00:01' WHERE status = 'PENDING'")).isEqualTo(2);

        // When this relay's send of the one failed at its last attempt and the other's was acknowledged
        relay.complete(List.of(
                PublishOutcome.failed(claimed.get(0), PublishOutcome.Result.NON_RETRIABLE, new IllegalStateException()),
                PublishOutcome.acked(claimed.get(1), clock.instant())));

        // Then neither row is re-opened or parked, and both of its refused recordings are counted
        assertThat(OutboxFixtures.countByStatus(OutboxStatus.PROCESSED)).isEqualTo(2);
        assertThat(registry.get("outbox.fenced").counter().count()).isEqualTo(2);
    }

    @Test
    void leaseIsRenewedWhileHeldAndRowsTakenOverAreFencedOnce() throws Exception {
        MutableClock clock = new MutableClock();
        OutboxFixtures.insertRounds(9_000, 10, 1, 100);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OutboxRelay holder = newRelay(settings("relay-holder").withLease(Duration.ofSeconds(10)), clock, registry);
        OutboxRelay successor = newRelay(settings("relay-next").withLease(Duration.ofSeconds(10)), clock);
        List<OutboxRow> held = holder.claim();
        assertThat(held).hasSize(10);

        // Given the holder renewed its lease 8 s into it
        clock.advance(Duration.ofSeconds(8));
        holder.renewLeases();

        // Then the rows are not claimable 13 s after the claim
        clock.advance(Duration.ofSeconds(5));
        assertThat(successor.claim()).isEmpty();

        // When the holder stops renewing (paused) and the renewed lease runs out, another relay takes the rows
        clock.advance(Duration.ofSeconds(6));
        assertThat(successor.claim()).hasSameSizeAs(held);

        // Then the holder's next renewal finds them gone, and its late record does not count them again
        holder.renewLeases();
        holder.complete(held.stream().map(row -> PublishOutcome.acked(row, clock.instant())).toList());
        assertThat(registry.get("outbox.fenced").counter().count()).isEqualTo(held.size());
        assertThat(OutboxFixtures.heldBy("relay-next")).isEqualTo(held.size());
    }

    @Test
    void rowsThisRelayTakesBackFromItsOwnLapsedClaimAreNeitherFencedNorLeftUnrecorded() throws Exception {
        MutableClock clock = new MutableClock();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        HookedTransactions store = new HookedTransactions();
        OutboxRelay relay = newRelay(store, settings("relay-own").withLease(Duration.ofSeconds(10)), clock, registry);
        List<OutboxRow> first = claimTenOrders(relay, 9_500);

        // Given the relay's claim ran out while its batch waited (its renewals failed: the database stalled),
        clock.advance(Duration.ofSeconds(11));
        // and its next claim round takes the same rows back, with a renewal running between that
        // round's commit and its report
        store.afterNext.set(relay::renewLeases);
        List<OutboxRow> second = relay.claim();
        assertThat(second).extracting(OutboxRow::id)
                .containsExactlyElementsOf(first.stream().map(OutboxRow::id).toList());

        // When both copies' acknowledgements are recorded together
        relay.renewLeases();
        relay.complete(Stream.concat(first.stream(), second.stream())
                .map(row -> PublishOutcome.acked(row, clock.instant())).toList());

        // Then the rows are recorded once, through the claim that holds them, and no other relay took
        // anything: nothing is counted as fenced and no claim is left behind
        assertThat(OutboxFixtures.countByStatus(OutboxStatus.PROCESSED)).isEqualTo(10);
        assertThat(TestDatabase.queryLong("SELECT COUNT(*) FROM outbox_claims")).isZero();
        assertThat(registry.get("outbox.fenced").counter().count()).isZero();
    }

    @Test
    void rowsThisRelayTakesBackWhileRecordingTheirLapsedClaimAreNotCountedAsFenced() throws Exception {
        MutableClock clock = new MutableClock();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        HookedTransactions store = new HookedTransactions();
        OutboxRelay relay = newRelay(store, settings("relay-retake").withLease(Duration.ofSeconds(10)), clock,
                registry);
        List<OutboxRow> first = claimTenOrders(relay, 9_600);

        // Given the relay's claim ran out while its batch waited for acknowledgements, and its next
        // claim round takes the rows back just as the batch's recording begins
        clock.advance(Duration.ofSeconds(11));
        List<List<OutboxRow>> retaken = new ArrayList<>();
        store.beforeNext.set(() -> retaken.add(relay.claim()));

        // When the first copies' acknowledgements are recorded
        relay.complete(first.stream().map(row -> PublishOutcome.acked(row, clock.instant())).toList());

        // Then their recording is refused (the claim they came with is gone), but no other relay took
        // the rows: nothing is counted as fenced, and the newer claim's copies are recorded
        assertThat(retaken).hasSize(1);
        assertThat(retaken.get(0)).hasSameSizeAs(first);
        assertThat(OutboxFixtures.countByStatus(OutboxStatus.PROCESSED)).isZero();
        assertThat(registry.get("outbox.fenced").counter().count()).isZero();
        relay.complete(retaken.get(0).stream().map(row -> PublishOutcome.acked(row, clock.instant())).toList());
        assertThat(OutboxFixtures.countByStatus(OutboxStatus.PROCESSED)).isEqualTo(10);
        assertThat(TestDatabase.queryLong("SELECT COUNT(*) FROM outbox_claims")).isZero();
    }

    @Test
    void commitWakesTheRelayLongBeforeThePollInterval() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OutboxRelay relay = newRelay(settings("relay-wake").withPollInterval(Duration.ofMinutes(10)),
                Clock.systemUTC(), registry);
        relay.start();
        // Given the relay has found nothing to do and gone to sleep for its 10-minute poll interval
        await().atMost(Duration.ofSeconds(30))
                .until(() -> registry.get("outbox.round").tag("phase", "claim").timer().count() >= 1);
        EventEnvelope event = OutboxFixtures.event(7_000, 0);

        // When a transaction commits an event and tells the relay
        OutboxFixtures.insert(List.of(event));
        relay.eventsCommitted();

        // Then it is published within seconds, not minutes
        PublishedEvents.awaitAll(broker.bootstrapServers(), List.of(event.eventId()), Duration.ofSeconds(10));
    }

    @Test
    void relayRunsOnItsTwoNamedThreadsAndCloseEndsThem() {
        Set<String> names = Set.of("outbox-relay-relay-threads", "outbox-relay-acks-relay-threads");
        OutboxRelay relay = newRelay(settings("relay-threads"), Clock.systemUTC());

        // Given a started relay
        relay.start();

        // Then it claims and records on two threads named after it, daemon or not like its creator
        await().atMost(Duration.ofSeconds(10)).until(() -> liveThreads(names).size() == 2);
        assertThat(liveThreads(names)).allMatch(t -> t.isDaemon() == Thread.currentThread().isDaemon());
        assertThatThrownBy(relay::start).isInstanceOf(IllegalStateException.class);

        // When it is closed, both threads end, and a closed relay has not failed
        relay.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> liveThreads(names).isEmpty());
        assertThat(relay.failure().toCompletableFuture()).isNotDone();
    }

    @Test
    void aRelayWhoseThreadEndsWithoutItsCloseReportsItselfFailed() {
        Set<String> claimer = Set.of("outbox-relay-relay-interrupted");
        OutboxRelay relay = newRelay(settings("relay-interrupted"), Clock.systemUTC());
        relay.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> liveThreads(claimer).size() == 1);

        // When its claiming thread is interrupted (as nothing in the gateway does), which ends the thread's loop
        liveThreads(claimer).forEach(Thread::interrupt);

        // Then the relay reports the failure, as for a loop that throws: the gateway is then not ready and exits
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.failure().toCompletableFuture().isDone());
        assertThat(relay.failure().toCompletableFuture().join()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("claiming thread ended without the relay being closed");
    }

    @Test
    void aClosedRelayRefusesToStartAndStartsNoThread() {
        OutboxRelay relay = newRelay(settings("relay-closed-first"), Clock.systemUTC());
        relay.close();

        assertThatThrownBy(relay::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("was closed");
        // its lease keeper's renewer would otherwise run on with nothing to renew, and no close to end it
        assertThat(liveThreads(Set.of("outbox-lease-relay-closed-first"))).isEmpty();
    }

    private static List<Thread> liveThreads(Set<String> names) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && names.contains(t.getName()))
                .toList();
    }

    @Test
    void poisonRowIsParkedAndHoldsBackOnlyItsOwnOrder() throws Exception {
        // Given order 8000's first event is larger than the producer may send
        EventEnvelope poison = OutboxFixtures.event(8_000, 0);
        EventEnvelope parked = OutboxFixtures.event(8_000, 1);
        EventEnvelope other = OutboxFixtures.event(8_001, 0);
        insertWithPayload(poison, oversizedPayload());
        OutboxFixtures.insert(List.of(parked, other));

        // When a relay runs
        OutboxRelay relay = startRelay(settings("relay-poison"), Clock.systemUTC());
        relay.eventsCommitted();

        // Then the poison row is FAILED, the later event of its order waits, the other order flows
        PublishedEvents.awaitAll(broker.bootstrapServers(), List.of(other.eventId()), Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(10)).until(() -> "FAILED".equals(OutboxFixtures.statusOf(poison.eventId())));
        assertThat(OutboxFixtures.column("last_error", poison.eventId())).contains("RecordTooLarge");
        assertThat(OutboxFixtures.statusOf(parked.eventId())).isEqualTo("PENDING");
        assertThat(PublishedEvents.readAll(broker.bootstrapServers()))
                .noneMatch(p -> p.eventId().equals(parked.eventId()) || p.eventId().equals(poison.eventId()));
    }

    @Test
    void aTopicTheBrokerLacksHoldsBackOnlyItsOwnEvents() {
        try (EmbeddedKafkaBroker lacking = EmbeddedKafkaBroker.builder()
                .brokerProperty("auto.create.topics.enable", "false").build()) {
            lacking.start();
            lacking.createTopics(3, Topics.ORDER_CREATED);
            // Given a status change, whose topic the broker lacks, committed before three orders' creations
            EventEnvelope change = OutboxFixtures.event(9_000, 1);
            List<EventEnvelope> creations = List.of(OutboxFixtures.event(9_001, 0), OutboxFixtures.event(9_002, 0),
                    OutboxFixtures.event(9_003, 0));
            OutboxFixtures.insert(List.of(change));
            OutboxFixtures.insert(creations);

            // When a relay runs one round against that broker
            Properties props = new Properties();
            props.put("bootstrap.servers", lacking.bootstrapServers());
            OutboxPublisher publisher = OutboxPublisher.create(props, Clock.systemUTC());
            publishers.add(publisher);
            OutboxRelay relay = new OutboxRelay(OutboxFixtures.store(), publisher, settings("relay-lacking"),
                    new OutboxMetrics(new SimpleMeterRegistry(), Clock.systemUTC()), Clock.systemUTC());
            relays.add(relay);
            assertThat(relay.runOnce()).isEqualTo(4);

            // Then that round sent and recorded the creations, and the status change waits, counting no attempt
            assertThat(creations).allMatch(e -> "PROCESSED".equals(OutboxFixtures.statusOf(e.eventId())));
            PublishedEvents.awaitAll(lacking.bootstrapServers(),
                    creations.stream().map(EventEnvelope::eventId).toList(), Duration.ofSeconds(30));
            assertThat(OutboxFixtures.statusOf(change.eventId())).isEqualTo("PENDING");
            assertThat(OutboxFixtures.column("retry_count", change.eventId())).isEqualTo("0");
            relay.close();
        }
    }

    private void insertWithPayload(EventEnvelope envelope, String payload) throws Exception {
        NewOutboxEvent row = NewOutboxEvent.from(envelope);
        NewOutboxEvent big = new NewOutboxEvent(row.eventId(), row.aggregateType(), row.aggregateId(),
                row.eventType(), row.schemaVersion(), payload, row.createdAt());
        OutboxFixtures.tx().inTransaction(conn -> {
            repository.insert(conn, big);
            return null;
        });
    }

    /** 2 MiB: over the producer's default max.request.size of 1 MiB. */
    static String oversizedPayload() {
        return "{\"pad\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
    }

    private static void assertOutboxOrderPerOrder(List<Published> published) {
        Map<String, List<Published>> byTopicAndKey = published.stream()
                .collect(Collectors.groupingBy(p -> p.topic() + "/" + p.key()));
        byTopicAndKey.forEach((topicAndKey, records) -> {
            assertThat(records.stream().map(Published::partition).distinct()).as(topicAndKey).hasSize(1);
            List<Published> byOffset = records.stream().sorted(Comparator.comparingLong(Published::offset)).toList();
            assertThat(byOffset).extracting(Published::occurredAt).as(topicAndKey).isSorted();
        });
    }

    private static RelaySettings settings(String relayId) {
        return RelaySettings.of(relayId, 500, Duration.ofMillis(200), 10)
                .withBackoff(Duration.ofMillis(50), Duration.ofSeconds(1));
    }

    private OutboxRelay startRelay(RelaySettings settings, Clock clock) {
        OutboxRelay relay = newRelay(settings, clock);
        relay.start();
        return relay;
    }

    private OutboxRelay newRelay(RelaySettings settings, Clock clock) {
        return newRelay(settings, clock, new SimpleMeterRegistry());
    }

    private OutboxRelay newRelay(RelaySettings settings, Clock clock, SimpleMeterRegistry registry) {
        return newRelay(OutboxFixtures.store(), settings, clock, registry);
    }

    private OutboxRelay newRelay(OutboxTransactions store, RelaySettings settings, Clock clock,
                                 SimpleMeterRegistry registry) {
        OutboxRelay relay = new OutboxRelay(store, newPublisher(clock), settings, new OutboxMetrics(registry, clock),
                clock);
        relays.add(relay);
        return relay;
    }

    /** Inserts the first events of ten orders from {@code firstOrderId} on, and has {@code relay} claim them. */
    private static List<OutboxRow> claimTenOrders(OutboxRelay relay, long firstOrderId) {
        OutboxFixtures.insertRounds(firstOrderId, 10, 1, 100);
        List<OutboxRow> claimed = relay.claim();
        assertThat(claimed).hasSize(10);
        return claimed;
    }

    private OutboxPublisher newPublisher(Clock clock) {
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        OutboxPublisher publisher = OutboxPublisher.create(props, clock);
        publishers.add(publisher);
        return publisher;
    }

    /** The test database's transactions, running a task set for it once, before or after the next transaction. */
    private static final class HookedTransactions implements OutboxTransactions {

        final AtomicReference<Runnable> beforeNext = new AtomicReference<>();
        final AtomicReference<Runnable> afterNext = new AtomicReference<>();

        @Override
        public <T> T inTransaction(Function<OutboxStore, T> work) {
            runOnce(beforeNext);
            T result = OutboxFixtures.store().inTransaction(work);
            runOnce(afterNext);
            return result;
        }

        private static void runOnce(AtomicReference<Runnable> hook) {
            Runnable task = hook.getAndSet(null);
            if (task != null) {
                task.run();
            }
        }
    }
}
