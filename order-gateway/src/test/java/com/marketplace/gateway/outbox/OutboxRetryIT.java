package com.marketplace.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.Topics;
import com.marketplace.gateway.support.MutableClock;
import com.marketplace.gateway.support.TestDatabase;
import com.marketplace.kafka.embedded.FreePorts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retriable publish failures: against a broker address where nothing listens each failed attempt is
 * rescheduled with backoff, the row is not claimed again before it is due, and it stays PENDING
 * however many attempts fail, none of them counted against the attempts allowed; a retriable failure
 * of another kind is counted, with the backoff doubling, and parks the row as FAILED at the last
 * allowed attempt. Rounds are run one by one on a stopped clock the test moves. A relay stopped while
 * its sends wait for the broker counts no attempt for them; a failure read after the close that says
 * the event can never be sent still parks it.
 */
class OutboxRetryIT {

    private static final int MAX_ATTEMPTS = 3;
    /** A retriable failure the broker's availability does not explain: counted. */
    private static final Exception CORRUPT = new CorruptRecordException("record failed its CRC check");
    // stopped: whether a row is due depends on the advances alone, not on how long the attempts took
    private final MutableClock clock = MutableClock.stoppedAt(Instant.now());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private OutboxPublisher publisher;
    private OutboxRelay relay;

    @BeforeEach
    void relayWithAnUnreachableBroker() {
        TestDatabase.clean();
        Properties props = new Properties();
        props.put("bootstrap.servers", "127.0.0.1:" + FreePorts.next());
        props.put("max.block.ms", "300");
        props.put("request.timeout.ms", "200");
        props.put("delivery.timeout.ms", "500");
        publisher = OutboxPublisher.create(props, clock);
        RelaySettings settings = RelaySettings.of("relay-retry", 10, Duration.ofSeconds(1), MAX_ATTEMPTS)
                .withBackoff(Duration.ofSeconds(2), Duration.ofMinutes(1));
        relay = new OutboxRelay(OutboxFixtures.store(), publisher, settings,
                new OutboxMetrics(registry, clock), clock);
    }

    @AfterEach
    void close() {
        relay.close(); // closes the publisher too
    }

    @Test
    void anUnavailableBrokerIsRetriedWithBackoffAndNeverParksTheRow() throws Exception {
        // Given one pending event
        EventEnvelope event = OutboxFixtures.event(9_100, 0);
        OutboxFixtures.insert(List.of(event));

        // When the first attempt fails, the row waits PENDING for its backoff (1-2 s after attempt 1)
        assertThat(relay.runOnce()).isEqualTo(1);
        assertAttempts(event, 0, "PENDING");
        assertThat(OutboxFixtures.column("last_error", event.eventId())).containsIgnoringCase("timeout");
        assertThat(relay.runOnce()).as("not due before its backoff").isZero();

        // Then attempts past the allowed number keep it PENDING and are not counted against it: the
        // broker, not the event, is at fault
        for (int attempt = 2; attempt <= MAX_ATTEMPTS + 2; attempt++) {
            clock.advance(Duration.ofSeconds(2));
            assertThat(relay.runOnce()).as("attempt %d", attempt).isEqualTo(1);
            assertAttempts(event, 0, "PENDING");
        }
        assertThat(registry.get("outbox.retries").counter().count()).isEqualTo(MAX_ATTEMPTS + 2);
        assertThat(registry.get("outbox.failed.events").counter().count()).isZero();
    }

    @Test
    void anotherRetriableFailureParksTheRowAtTheLastAllowedAttempt() {
        // Given one pending event whose every publication fails in a retriable way the broker's
        // availability does not explain (a record the broker found corrupt)
        EventEnvelope event = OutboxFixtures.event(9_200, 0);
        OutboxFixtures.insert(List.of(event));

        // When it is claimed and fails, the row waits PENDING for its backoff (1-2 s after attempt 1)
        failOnce(event, CORRUPT);
        assertAttempts(event, 1, "PENDING");
        assertThat(relay.claim()).as("not due before its backoff").isEmpty();
        clock.advance(Duration.ofSeconds(2));

        // and after the second attempt for twice as long (2-4 s)
        failOnce(event, CORRUPT);
        assertAttempts(event, 2, "PENDING");
        clock.advance(Duration.ofMillis(1_500));
        assertThat(relay.claim()).as("the delay doubled").isEmpty();
        clock.advance(Duration.ofMillis(2_500));
        failOnce(event, CORRUPT);

        // Then the last allowed attempt parks it as FAILED, with the reason, and it is not claimed again
        assertAttempts(event, MAX_ATTEMPTS, "FAILED");
        assertThat(OutboxFixtures.column("last_error", event.eventId())).contains("CRC");
        clock.advance(Duration.ofHours(1));
        assertThat(relay.claim()).isEmpty();
        assertThat(registry.get("outbox.retries").counter().count()).isEqualTo(MAX_ATTEMPTS - 1);
        assertThat(registry.get("outbox.failed.events").counter().count()).isEqualTo(1);
    }

    @Test
    void aBrokerThatRefusesThisClientParksNothingAndRetriesAfterTheLongestDelay() {
        // Given one pending event
        EventEnvelope event = OutboxFixtures.event(9_250, 0);
        OutboxFixtures.insert(List.of(event));
        List<Exception> refusals = List.of(new TopicAuthorizationException(Topics.ORDER_CREATED),
                new SaslAuthenticationException("authentication failed"),
                new KafkaException("Cannot perform send", new ClusterAuthorizationException("not allowed")));

        // When every publication is refused: the topic not allowed to this client, the client not
        // authenticated, or a send while the producer's sender still held such a refusal as fatal
        for (int attempt = 0; attempt < MAX_ATTEMPTS + 2; attempt++) {
            failOnce(event, refusals.get(attempt % refusals.size()));

            // Then no attempt counts against the event, and each next try waits the backoff's longest
            // delay (30-60 s here), not its first step (1-2 s)
            assertAttempts(event, 0, "PENDING");
            clock.advance(Duration.ofSeconds(29));
            assertThat(relay.claim()).as("not due before half the longest delay").isEmpty();
            clock.advance(Duration.ofSeconds(31));
        }
        assertThat(OutboxFixtures.column("last_error", event.eventId()))
                .containsAnyOf("Authorization", "Authentication");
        assertThat(registry.get("outbox.failed.events").counter().count()).isZero();
    }

    @Test
    void aRecordingRolledBackCountsAndParksNothingAndTheNextOneCountsOnce() {
        // Given an event at its last allowed attempt, and a relay whose next recording is rolled back
        // after its updates (the database gone before the commit)
        EventEnvelope event = OutboxFixtures.event(9_270, 0);
        OutboxFixtures.insert(List.of(event));
        AtomicBoolean failNextCommit = new AtomicBoolean();
        OutboxTransactions rollingBack = new OutboxTransactions() {
            @Override
            public <T> T inTransaction(Function<OutboxStore, T> work) {
                return OutboxFixtures.store().inTransaction(store -> {
                    T result = work.apply(store);
                    if (failNextCommit.getAndSet(false)) {
                        throw new OutboxStorageException("connection lost before the commit", null);
                    }
                    return result;
                });
            }
        };
        OutboxRelay rolledBack = new OutboxRelay(rollingBack, publisher,
                RelaySettings.of("relay-retry", 10, Duration.ofSeconds(1), 1), new OutboxMetrics(registry, clock), clock);
        List<OutboxRow> claimed = rolledBack.claim();
        assertThat(claimed).extracting(OutboxRow::eventId).containsExactly(event.eventId());
        List<PublishOutcome> failed = List.of(PublishOutcome.failed(claimed.get(0), PublishOutcome.Result.RETRIABLE,
                CORRUPT));

        // When the recording of its failure is rolled back
        failNextCommit.set(true);
        assertThatThrownBy(() -> rolledBack.complete(failed)).isInstanceOf(OutboxStorageException.class);

        // Then nothing is counted or parked: the row is as it was, to be tried again
        assertAttempts(event, 0, "PENDING");
        assertThat(registry.get("outbox.failed.events").counter().count()).isZero();
        assertThat(registry.get("outbox.retries").counter().count()).isZero();

        // and the recording that commits counts it once
        rolledBack.complete(failed);
        assertAttempts(event, 1, "FAILED");
        assertThat(registry.get("outbox.failed.events").counter().count()).isEqualTo(1);
    }

    @Test
    void anUnavailableBrokerRetriesARowWithCountedFailuresAfterTheFirstStep() {
        // Given a pending event with two counted failures behind it, the second one's delay 2-4 s
        EventEnvelope event = OutboxFixtures.event(9_300, 0);
        OutboxFixtures.insert(List.of(event));
        failOnce(event, CORRUPT);
        clock.advance(Duration.ofSeconds(2));
        failOnce(event, CORRUPT);
        clock.advance(Duration.ofSeconds(4));

        // When its next publication finds the broker unreachable
        assertThat(relay.runOnce()).isEqualTo(1);
        assertAttempts(event, 2, "PENDING");

        // Then it is due again after the backoff's first step (1-2 s), not after a third step (4-8 s)
        clock.advance(Duration.ofSeconds(2));
        assertThat(relay.runOnce()).as("due after the first step").isEqualTo(1);
        assertAttempts(event, 2, "PENDING");
    }

    @Test
    void aStopWhileSendsWaitForTheBrokerCountsNoAttemptAndReleasesTheRows() throws SQLException {
        // Given a pending event with one attempt left, and a running relay whose producer waits up to
        // a minute for the unreachable broker
        EventEnvelope event = OutboxFixtures.event(9_400, 0);
        OutboxFixtures.insert(List.of(event));
        setColumn(event, "retry_count", MAX_ATTEMPTS - 1);
        Properties props = new Properties();
        props.put("bootstrap.servers", "127.0.0.1:" + FreePorts.next());
        props.put("max.block.ms", "60000");
        props.put("delivery.timeout.ms", "60000");
        props.put("request.timeout.ms", "30000");
        RelaySettings settings = RelaySettings.of("relay-stopping", 10, Duration.ofSeconds(1), MAX_ATTEMPTS);
        Clock systemClock = Clock.systemUTC();
        OutboxRelay stopping = new OutboxRelay(OutboxFixtures.store(), OutboxPublisher.create(props, systemClock),
                settings, new OutboxMetrics(registry, systemClock), systemClock);
        try {
            stopping.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> OutboxFixtures.heldBy("relay-stopping") == 1);
        } finally {
            // When the relay is closed while the row's send waits for the broker
            stopping.close();
        }

        // Then, from close()'s return on, the row is pending with its attempts as they were, released
        // to any relay: the send the close cut off was no attempt of the event's
        assertAttempts(event, MAX_ATTEMPTS - 1, "PENDING");
        assertThat(OutboxFixtures.heldBy("relay-stopping")).isZero();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertAttempts(event, MAX_ATTEMPTS - 1, "PENDING");
            assertThat(OutboxFixtures.heldBy("relay-stopping")).isZero();
        });
        assertThat(registry.get("outbox.failed.events").counter().count()).isZero();
    }

    @Test
    void aFailureReadAfterThePublisherClosedParksOnlyAnEventThatCanNeverBeSent() throws SQLException {
        // Given two pending events, the first of a type no topic exists for (it can never be sent)
        EventEnvelope unsendable = OutboxFixtures.event(9_500, 0);
        EventEnvelope sendable = OutboxFixtures.event(9_501, 0);
        OutboxFixtures.insert(List.of(unsendable, sendable));
        setColumn(unsendable, "event_type", "OrderTeleported");
        List<OutboxRow> claimed = relay.claim();
        assertThat(claimed).extracting(OutboxRow::eventId).containsExactly(unsendable.eventId(), sendable.eventId());

        // When both sends have failed (the first at once, the second finding no broker) and their
        // failures are read only once the publisher is closing
        OutboxPublisher.Sent sent = publisher.send(claimed);
        assertThat(sent.awaitDone(System.nanoTime() + Duration.ofSeconds(5).toNanos())).isTrue();
        publisher.close();
        List<PublishOutcome> outcomes = sent.awaitOutcomes();

        // Then the failure that says the event can never be sent stands, and the other one, which may
        // be the close's own, is no attempt
        assertThat(outcomes).extracting(PublishOutcome::result)
                .containsExactly(PublishOutcome.Result.NON_RETRIABLE, PublishOutcome.Result.NOT_SENT);
        relay.complete(outcomes);
        assertAttempts(unsendable, 1, "FAILED");
        assertAttempts(sendable, 0, "PENDING");
        assertThat(OutboxFixtures.heldBy("relay-retry")).isZero();
    }

    /** Sets one column of {@code event}'s row, as a row written by other code may hold it. */
    private static void setColumn(EventEnvelope event, String column, Object value) throws SQLException {
        int updated = OutboxFixtures.tx().inTransaction(conn -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "UPDATE outbox_events SET " + column + " = ? WHERE event_id = ?")) {
                ps.setObject(1, value);
                ps.setString(2, event.eventId().toString());
                return ps.executeUpdate();
            }
        });
        assertThat(updated).isEqualTo(1);
    }

    /** Claims {@code event}'s row and records its publication as failed with {@code error}. */
    private void failOnce(EventEnvelope event, Exception error) {
        List<OutboxRow> claimed = relay.claim();
        assertThat(claimed).extracting(OutboxRow::eventId).containsExactly(event.eventId());
        relay.complete(List.of(PublishOutcome.failed(claimed.get(0), OutboxPublisher.classify(error), error)));
    }

    private static void assertAttempts(EventEnvelope event, int attempts, String status) {
        assertThat(OutboxFixtures.statusOf(event.eventId())).isEqualTo(status);
        assertThat(OutboxFixtures.column("retry_count", event.eventId())).isEqualTo(Integer.toString(attempts));
    }
}
