package com.marketplace.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marketplace.gateway.outbox.jdbc.JdbcOutboxRepository;
import com.marketplace.gateway.support.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link LeaseKeeper} on the test database: what it renews, and what it takes for lost. */
class LeaseKeeperIT {

    private static final String RELAY = "relay-a";

    @BeforeEach
    void cleanDatabase() {
        TestDatabase.clean();
    }

    @Test
    void aRowThisRelayClaimsAfterItsOwnLeaseRanOutIsHeldThroughTheClaimNotLost() throws Exception {
        // Given a row handed over to this relay at its commit, whose lease ran out while it waited
        // (the relay could not renew it: the database stalled)
        OutboxRow handedOver = handedOverWithExpiredLease(42);
        LeaseKeeper keeper = keeperHolding(handedOver);

        // When this relay's own claim round takes the row over, and then its leases are renewed
        List<OutboxRow> claimed = claimAs(RELAY);
        assertThat(claimed).extracting(OutboxRow::id).containsExactly(handedOver.id());
        keeper.claimed(claimed);
        keeper.renew();

        // Then the handed-over copy is not sent as well, and the claimed one is recorded, not skipped as lost
        assertThat(keeper.stillLeased(List.of(handedOver))).isEmpty();
        assertThat(keeper.finished(claimed)).isEmpty();
        assertThat(keeper.heldCount()).isZero();
    }

    @Test
    void aRowAnotherRelayTookOverIsSkippedOnceAndNotSentFromTheHandOver() throws Exception {
        // Given a row handed over to this relay, whose lease ran out, and another relay that claimed it
        OutboxRow handedOver = handedOverWithExpiredLease(43);
        LeaseKeeper keeper = keeperHolding(handedOver);
        assertThat(claimAs("relay-b")).extracting(OutboxRow::id).containsExactly(handedOver.id());

        // When this relay renews what it holds
        keeper.renew();

        // Then the row is no longer its own: not sent from the hand-over, and nothing of it left to renew
        assertThat(keeper.stillLeased(List.of(handedOver))).isEmpty();
        assertThat(keeper.heldCount()).isZero();
        assertThat(keeper.finished(List.of(handedOver))).as("handed back once, by stillLeased").isEmpty();
    }

    @Test
    void aRowThisRelaysClaimRoundTakesWhileARenewalRunsIsNotCountedAsFencedNorRecordedTwice() throws Exception {
        // Given a row handed over to this relay, sent, and waiting for its acknowledgement while its lease ran out
        OutboxRow handedOver = handedOverWithExpiredLease(44);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LeaseKeeper keeper = keeperHolding(handedOver, registry);

        // When this relay's claim round takes it, and a renewal runs between the round's commit and its report
        keeper.claimRoundStarting();
        List<OutboxRow> claimed = claimAs(RELAY);
        keeper.renew();
        keeper.claimRoundEnded(claimed);

        // Then no other relay took it, so nothing is counted as fenced; the hand-over copy's outcome is
        // not recorded (its lease is gone), the claimed copy's is
        assertThat(registry.get("outbox.fenced").counter().count()).isZero();
        assertThat(keeper.finished(List.of(handedOver))).containsExactly(LeaseKeeper.Hold.of(handedOver));
        assertThat(keeper.finished(claimed)).isEmpty();
        assertThat(keeper.heldCount()).isZero();
    }

    @Test
    void aRowAnotherRelayTookDuringThisRelaysClaimRoundIsCountedOnceTheRoundHasEnded() throws Exception {
        // Given a row handed over to this relay, whose lease ran out, and another relay that claimed it
        OutboxRow handedOver = handedOverWithExpiredLease(45);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LeaseKeeper keeper = keeperHolding(handedOver, registry);
        assertThat(claimAs("relay-b")).extracting(OutboxRow::id).containsExactly(handedOver.id());

        // When this relay renews while a claim round of its own is under way (one that did not take the row)
        keeper.claimRoundStarting();
        keeper.renew();

        // Then the row is not judged while the round, which might have taken it, runs (however long it
        // waits for a connection); the first renewal after the round ended counts it as taken over
        assertThat(registry.get("outbox.fenced").counter().count()).isZero();
        keeper.renew();
        assertThat(registry.get("outbox.fenced").counter().count()).isZero();
        keeper.claimRoundEnded(List.of());
        keeper.claimRoundStarting(); // a later round does not hold the judgement up
        keeper.renew();
        assertThat(registry.get("outbox.fenced").counter().count()).isEqualTo(1);
        keeper.claimRoundEnded(List.of());
        assertThat(keeper.stillLeased(List.of(handedOver))).isEmpty();
        assertThat(keeper.heldCount()).isZero();
    }

    @Test
    void aRenewalThatFailsIsTriedAgainLongBeforeTheNextInterval() throws Exception {
        // Given a row leased to the relay for 9 s, renewed every 3 s, and a database whose first
        // renewal transaction fails
        NewOutboxEvent event = NewOutboxEvent.from(OutboxFixtures.event(5_301, 0));
        Instant until = Instant.now().plusSeconds(9);
        long id = OutboxFixtures.tx().inTransaction(conn -> new JdbcOutboxRepository().insert(conn, event,
                new OutboxHandoff.Lease(RELAY, until)));
        List<Long> renewals = new CopyOnWriteArrayList<>();
        OutboxTransactions firstFails = new OutboxTransactions() {
            @Override
            public <T> T inTransaction(Function<OutboxStore, T> work) {
                renewals.add(System.nanoTime());
                if (renewals.size() == 1) {
                    throw new OutboxStorageException("the database did not answer", null);
                }
                return OutboxFixtures.store().inTransaction(work);
            }
        };
        LeaseKeeper keeper = new LeaseKeeper(firstFails,
                RelaySettings.of(RELAY, 500, Duration.ofSeconds(1), 10).withLease(Duration.ofSeconds(9)),
                new OutboxMetrics(new SimpleMeterRegistry(), Clock.systemUTC()), Clock.systemUTC());
        keeper.claimed(List.of(event.asRow(id)));

        // When it renews on its own
        keeper.start();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> renewals.size() >= 2);
            // and once it went through, the next waits for the interval again (3 s)
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofMillis(2_500)).until(() -> renewals.size() == 2);
        } finally {
            keeper.close();
        }

        // Then the failed renewal was tried again within a fraction of the 3 s interval, and the
        // second try renewed the lease
        assertThat(Duration.ofNanos(renewals.get(1) - renewals.get(0))).isLessThan(Duration.ofSeconds(2));
        String leaseEnd = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC)
                .format(until);
        assertThat(TestDatabase.queryLong("SELECT COUNT(*) FROM outbox_events WHERE claimed_by = ? AND claimed_until > ?",
                RELAY, leaseEnd)).as("leases extended past the first end").isEqualTo(1);
    }

    /** An order's first event, written leased to {@link #RELAY} by a lease that ran out a second ago. */
    private static OutboxRow handedOverWithExpiredLease(long orderId) throws Exception {
        NewOutboxEvent event = NewOutboxEvent.from(OutboxFixtures.event(orderId, 0));
        long id = OutboxFixtures.tx().inTransaction(conn -> new JdbcOutboxRepository().insert(conn, event,
                new OutboxHandoff.Lease(RELAY, Instant.now().minusSeconds(1))));
        return event.asRow(id);
    }

    /** A claim round of {@code relay} now, with a lease of 30 s. */
    private static List<OutboxRow> claimAs(String relay) {
        return OutboxFixtures.store().inTransaction(store ->
                store.claim(relay, Instant.now(), Instant.now().plusSeconds(30), 500));
    }

    /** {@link #RELAY}'s lease keeper (not renewing on its own), holding {@code row} by its lease. */
    private static LeaseKeeper keeperHolding(OutboxRow row) {
        return keeperHolding(row, new SimpleMeterRegistry());
    }

    /** As {@link #keeperHolding(OutboxRow)}, its metrics in {@code registry}. */
    private static LeaseKeeper keeperHolding(OutboxRow row, SimpleMeterRegistry registry) {
        LeaseKeeper keeper = new LeaseKeeper(OutboxFixtures.store(), RelaySettings.of(RELAY, 500, Duration.ofSeconds(1), 10),
                new OutboxMetrics(registry, Clock.systemUTC()), Clock.systemUTC());
        keeper.claimed(List.of(row));
        return keeper;
    }
}
