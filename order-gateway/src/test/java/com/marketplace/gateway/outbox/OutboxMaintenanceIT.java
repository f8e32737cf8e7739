package com.marketplace.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.marketplace.events.EventEnvelope;
import com.marketplace.gateway.db.DataSources;
import com.marketplace.gateway.db.Transactions;
import com.marketplace.gateway.db.UtcTimestamps;
import com.marketplace.gateway.outbox.jdbc.JdbcOutboxRepository;
import com.marketplace.gateway.outbox.jdbc.JdbcOutboxTransactions;
import com.marketplace.gateway.support.MutableClock;
import com.marketplace.gateway.support.TestDatabase;
import com.marketplace.http.testing.LogCapture;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Outbox cleanup and backlog counts against the test database. */
class OutboxMaintenanceIT {

    private static final Duration RETENTION = Duration.ofDays(7);
    private final Transactions tx = OutboxFixtures.tx();
    private final MutableClock clock = new MutableClock();

    @BeforeEach
    void clean() {
        TestDatabase.clean();
    }

    @Test
    void cleanupDeletesOnlyProcessedRowsOlderThanTheRetention() throws Exception {
        Instant now = clock.instant();
        List<UUID> oldProcessed = insert(6_000, "PROCESSED", now.minus(RETENTION).minus(1, ChronoUnit.HOURS));
        List<UUID> recentProcessed = insert(5, "PROCESSED", now.minus(RETENTION).plus(1, ChronoUnit.HOURS));
        List<UUID> oldPending = insert(3, "PENDING", null);
        List<UUID> oldFailed = insert(2, "FAILED", null);

        int deleted = maintenance("instance-a").cleanup();

        assertThat(deleted).isEqualTo(oldProcessed.size());
        assertThat(TestDatabase.count("outbox_events"))
                .isEqualTo(recentProcessed.size() + oldPending.size() + oldFailed.size());
        assertThat(OutboxFixtures.countByStatus(OutboxStatus.PROCESSED)).isEqualTo(recentProcessed.size());
    }

    @Test
    void aRowProcessedLateDoesNotHoldBackOlderOnesBehindIt() throws Exception {
        Instant now = clock.instant();
        Instant expired = now.minus(RETENTION).minus(1, ChronoUnit.HOURS);
        // Lowest ids, processed recently (e.g. retried after FAILED): kept, and not in the way.
        List<UUID> processedLate = insert(3, "PROCESSED", now.minus(1, ChronoUnit.HOURS));
        List<UUID> oldProcessed = insert(OutboxMaintenance.CLEANUP_BATCH + 10, "PROCESSED", expired);

        int deleted = maintenance("instance-a").cleanup();

        assertThat(deleted).isEqualTo(oldProcessed.size());
        assertThat(TestDatabase.count("outbox_events")).isEqualTo(processedLate.size());
    }

    @Test
    void aFullWindowOfRowsProcessedLateDoesNotHoldBackExpiredOnesBehindIt() throws Exception {
        Instant now = clock.instant();
        // Created long ago (before the cutoff) but processed an hour ago: kept, and stepped over.
        insert(OutboxMaintenance.CLEANUP_BATCH, "PROCESSED", now.minus(1, ChronoUnit.HOURS));
        List<UUID> expired = insert(4, "PROCESSED", now.minus(RETENTION).minus(1, ChronoUnit.HOURS));

        int deleted = maintenance("instance-a").cleanup();

        assertThat(deleted).isEqualTo(expired.size());
        assertThat(TestDatabase.count("outbox_events")).isEqualTo(OutboxMaintenance.CLEANUP_BATCH);
    }

    @Test
    void theWalkEndsAtAWindowWhoseLastRowWasCreatedAfterTheCutoff() throws Exception {
        Instant now = clock.instant();
        Instant recent = now.minus(1, ChronoUnit.HOURS);
        insert(OutboxMaintenance.CLEANUP_BATCH, "PROCESSED", recent, recent);
        // Inconsistent on purpose (processed before created) to show the walk does not read on:
        // real rows behind a row created after the cutoff cannot have expired.
        List<UUID> behind = insert(4, "PROCESSED", now.minus(RETENTION).minus(1, ChronoUnit.HOURS), recent);

        int deleted = maintenance("instance-a").cleanup();

        assertThat(deleted).isZero();
        assertThat(TestDatabase.count("outbox_events")).isEqualTo(OutboxMaintenance.CLEANUP_BATCH + behind.size());
    }

    @Test
    void onlyOneInstanceAtATimeCleansUp() throws Exception {
        insert(10, "PROCESSED", clock.instant().minus(RETENTION).minus(1, ChronoUnit.DAYS));

        int byA = maintenance("instance-a").cleanup();
        insert(10, "PROCESSED", clock.instant().minus(RETENTION).minus(1, ChronoUnit.DAYS));
        int byB = maintenance("instance-b").cleanup();
        int byAAgain = maintenance("instance-a").cleanup();

        assertThat(byA).isEqualTo(10);
        assertThat(byB).as("lease held by instance-a").isZero();
        assertThat(byAAgain).isEqualTo(10);
    }

    @Test
    void anInstanceDoesNotCleanBesideAPageThatOutlivesTheOtherOnesLease() throws Exception {
        assumeFalse(TestDatabase.isH2(), "needs InnoDB's row locks: H2 gives up on a locked row after 1 s");
        // Given instance-a cleaning, one of its pages held up (as on a slow database)
        insert(10, "PROCESSED", clock.instant().minus(RETENTION).minus(1, ChronoUnit.DAYS));
        CountDownLatch cleaning = new CountDownLatch(1);
        CountDownLatch endPage = new CountDownLatch(1);
        OutboxMaintenance held = new OutboxMaintenance(cleanupHeldUntil(cleaning, endPage),
                new OutboxMetrics(new SimpleMeterRegistry(), clock), RETENTION, "instance-a", clock);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> byA = threads.submit(held::cleanup);
            assertThat(cleaning.await(30, TimeUnit.SECONDS)).as("instance-a's page began").isTrue();

            // When instance-b tries once the lease instance-a took would have run out
            clock.advance(OutboxMaintenance.CLEANUP_EVERY.multipliedBy(3));
            Future<Integer> byB = threads.submit(() -> maintenance("instance-b").cleanup());

            // Then it cleans nothing while instance-a's page is open, and finds the lease held after it
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !byB.isDone());
            endPage.countDown();
            assertThat(byA.get(30, TimeUnit.SECONDS)).isEqualTo(10);
            assertThat(byB.get(30, TimeUnit.SECONDS)).isZero();
            assertThat(leaseOwner()).isEqualTo("instance-a");
        } finally {
            endPage.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void backlogCountsPendingFailedAndOldestPendingAge() throws Exception {
        insert(4, "PENDING", null);
        insert(2, "FAILED", null);
        insert(3, "PROCESSED", clock.instant());

        OutboxCounts counts = maintenance("instance-a").refreshCounts();

        assertThat(counts.pending()).isEqualTo(4);
        assertThat(counts.failed()).isEqualTo(2);
        assertThat(counts.oldestPendingCreatedAt()).isEqualTo(OutboxFixtures.BASE);
    }

    @Test
    void theOldestPendingAgeLeavesOutRowsHeldBackByAFailedOne() throws Exception {
        // order 1's creation failed and holds its status change back; order 2's creation, an hour
        // younger, is the oldest row the relays could be sending
        Instant younger = OutboxFixtures.BASE.plus(1, ChronoUnit.HOURS);
        EventEnvelope failed = OutboxFixtures.event(1, 0);
        OutboxFixtures.insert(List.of(failed, OutboxFixtures.event(1, 1), OutboxFixtures.created(2, younger)));
        markFailed(failed);

        OutboxCounts counts = maintenance("instance-a").refreshCounts();

        assertThat(counts.pending()).isEqualTo(2);
        assertThat(counts.failed()).isEqualTo(1);
        assertThat(counts.oldestPendingCreatedAt()).isEqualTo(younger);
    }

    @Test
    void noOldestPendingAgeWhenEveryPendingRowIsHeldBack() throws Exception {
        EventEnvelope failed = OutboxFixtures.event(1, 0);
        OutboxFixtures.insert(List.of(failed, OutboxFixtures.event(1, 1)));
        markFailed(failed);

        OutboxCounts counts = maintenance("instance-a").refreshCounts();

        assertThat(counts.pending()).isEqualTo(1);
        assertThat(counts.oldestPendingCreatedAt()).isNull();
    }

    @Test
    void theBacklogGaugesAreRefreshedWhileACleanupIsUnderWay() throws Exception {
        insert(1, "PROCESSED", clock.instant().minus(RETENTION).minus(1, ChronoUnit.HOURS));
        CountDownLatch cleaning = new CountDownLatch(1);
        CountDownLatch endCleanup = new CountDownLatch(1);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OutboxMaintenance maintenance = new OutboxMaintenance(cleanupHeldUntil(cleaning, endCleanup),
                new OutboxMetrics(registry, clock), RETENTION, "instance-a", clock, Duration.ofMillis(50),
                Duration.ofMillis(10));
        try {
            maintenance.start();
            assertThat(cleaning.await(30, TimeUnit.SECONDS)).as("a cleanup began").isTrue();

            insert(3, "PENDING", null);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(registry.get("outbox.pending").gauge().value()).isEqualTo(3.0));
        } finally {
            endCleanup.countDown();
            maintenance.close();
        }
    }

    @Test
    void anErrorInOneBacklogRefreshDoesNotStopTheNext() throws Exception {
        // Given a store whose first transaction ends in an Error (as when memory runs out)
        insert(2, "PENDING", null);
        OutboxTransactions store = OutboxFixtures.store();
        AtomicInteger calls = new AtomicInteger();
        OutboxTransactions failingFirst = new OutboxTransactions() {
            @Override
            public <T> T inTransaction(Function<OutboxStore, T> work) {
                if (calls.getAndIncrement() == 0) {
                    throw new LinkageError("simulated failure of a backlog refresh");
                }
                return store.inTransaction(work);
            }
        };
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OutboxMaintenance maintenance = new OutboxMaintenance(failingFirst, new OutboxMetrics(registry, clock),
                RETENTION, "instance-a", clock, Duration.ofMillis(50), Duration.ofHours(1));
        try {
            maintenance.start();

            // Then the refreshes go on after it and the gauges show the backlog
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(registry.get("outbox.pending").gauge().value()).isEqualTo(2.0));
            assertThat(calls.get()).isGreaterThan(1);
        } finally {
            maintenance.close();
        }
    }

    @Test
    void aStopWaitsForTheStatementUnderWayBeforeThePoolCloses() throws Exception {
        assumeFalse(TestDatabase.isH2(), "needs InnoDB's row locks: H2 gives up on a locked row after 1 s");
        // Given a cleanup whose lease statement waits on a row lock (as on a slow database), on a pool of its own
        HikariDataSource pool = DataSources.create(TestDatabase.url(), TestDatabase.user(), TestDatabase.password(), 2);
        OutboxMaintenance maintenance = new OutboxMaintenance(
                new JdbcOutboxTransactions(Transactions.onPool(pool), new JdbcOutboxRepository()),
                new OutboxMetrics(new SimpleMeterRegistry(), clock), RETENTION, "instance-a", clock,
                Duration.ofHours(1), Duration.ofMillis(10));
        ExecutorService stopper = Executors.newSingleThreadExecutor();
        try (LogCapture logs = LogCapture.start();
                Connection holder = TestDatabase.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement(
                    "SELECT owner FROM outbox_leases WHERE name = ? FOR UPDATE")) {
                lock.setString(1, OutboxMaintenance.CLEANUP_LEASE);
                lock.executeQuery().close();
            }
            maintenance.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> TestDatabase.queryLong(
                    "SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE 'UPDATE outbox_leases%'") > 0);

            // When the gateway stops (the upkeep, the relay, then the pool: OutboxModule, GatewayApp)
            // and the statement ends a moment later
            Future<?> stop = stopper.submit(() -> {
                maintenance.close();
                maintenance.awaitStopped();
                pool.close();
            });
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() -> !stop.isDone());
            holder.commit();
            stop.get(30, TimeUnit.SECONDS);

            // Then the statement was not aborted under the cleanup: its page committed, and nothing was logged
            assertThat(leaseOwner()).isEqualTo("instance-a");
            assertThat(logs.warningsAndErrors()).noneMatch(line -> line.contains("Outbox cleanup"));
        } finally {
            stopper.shutdownNow();
            maintenance.close();
            pool.close();
        }
    }

    /** The test store, whose deletes of expired rows wait until {@code end} once they have signalled {@code begun}. */
    private static OutboxTransactions cleanupHeldUntil(CountDownLatch begun, CountDownLatch end) {
        OutboxTransactions store = OutboxFixtures.store();
        return new OutboxTransactions() {
            @Override
            public <T> T inTransaction(Function<OutboxStore, T> work) {
                return store.inTransaction(real -> work.apply((OutboxStore) Proxy.newProxyInstance(
                        OutboxStore.class.getClassLoader(), new Class<?>[] {OutboxStore.class},
                        (proxy, method, args) -> {
                            if (method.getName().equals("deleteProcessedBefore")) {
                                begun.countDown();
                                end.await();
                            }
                            try {
                                return method.invoke(real, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        })));
            }
        };
    }

    private void markFailed(EventEnvelope event) throws Exception {
        tx.inTransaction(conn -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "UPDATE outbox_events SET status = 'FAILED' WHERE event_id = ?")) {
                ps.setString(1, event.eventId().toString());
                return ps.executeUpdate();
            }
        });
    }

    private static String leaseOwner() {
        try (Connection conn = TestDatabase.dataSource().getConnection();
                PreparedStatement ps = conn.prepareStatement("SELECT owner FROM outbox_leases WHERE name = ?")) {
            ps.setString(1, OutboxMaintenance.CLEANUP_LEASE);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("the cleanup lease's row").isTrue();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private OutboxMaintenance maintenance(String owner) {
        return new OutboxMaintenance(OutboxFixtures.store(), new OutboxMetrics(new SimpleMeterRegistry(), clock),
                RETENTION, owner, clock);
    }

    private List<UUID> insert(int count, String status, Instant processedAt) throws Exception {
        return insert(count, status, processedAt, null);
    }

    /** Inserts rows, then sets their status, processed_at and, when given, created_at. */
    private List<UUID> insert(int count, String status, Instant processedAt, Instant createdAt) throws Exception {
        List<UUID> ids = new ArrayList<>();
        List<EventEnvelope> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            EventEnvelope e = OutboxFixtures.event(900_000 + TestDatabase.count("outbox_events") + i, 0);
            events.add(e);
            ids.add(e.eventId());
        }
        OutboxFixtures.insert(events);
        tx.inTransaction(conn -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "UPDATE outbox_events SET status = ?, processed_at = ?,"
                            + " created_at = COALESCE(CAST(? AS DATETIME(6)), created_at) WHERE event_id = ?")) {
                for (UUID id : ids) {
                    ps.setString(1, status);
                    UtcTimestamps.bind(ps, 2, processedAt == null ? Instant.EPOCH : processedAt);
                    UtcTimestamps.bind(ps, 3, createdAt);
                    ps.setString(4, id.toString());
                    ps.addBatch();
                }
                return ps.executeBatch();
            }
        });
        return ids;
    }
}
