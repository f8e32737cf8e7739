package com.marketplace.gateway.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The relay's meters: {@code outbox_pending}, {@code outbox_failed},
 * {@code outbox_oldest_pending_age_seconds} (from the last backlog snapshot), published, retried
 * and failed counters, and {@code outbox_commit_to_ack_seconds}: time from the event's creation in
 * its order transaction (its {@code occurredAt}, taken just before the commit on the writing
 * gateway's clock) to the broker's acknowledgement of the send that delivered it, retries included.
 */
public final class OutboxMetrics {

    private final Counter published;
    private final Counter retried;
    private final Counter failed;
    private final Counter fenced;
    private final Timer commitToAck;
    private final Timer claimRound;
    private final Timer recordRound;
    private final Timer awaitAcks;
    private final AtomicReference<OutboxCounts> counts = new AtomicReference<>(new OutboxCounts(0, 0, null));

    public OutboxMetrics(MeterRegistry registry, Clock clock) {
        this.published = Counter.builder("outbox.published")
                .description("Outbox events acknowledged by Kafka and marked PROCESSED").register(registry);
        this.retried = Counter.builder("outbox.retries")
                .description("Failed publish attempts that will be retried").register(registry);
        this.failed = Counter.builder("outbox.failed.events")
                .description("Outbox events parked as FAILED").register(registry);
        this.fenced = Counter.builder("outbox.fenced")
                .description("Claimed or handed-over rows another relay took over after this relay's claim or "
                        + "lease ran out; this relay did not record them (refused update or renewal)")
                .register(registry);
        this.commitToAck = Timer.builder("outbox.commit.to.ack")
                .description("Time from the event's creation in its order transaction, just before the commit, to the "
                        + "broker acknowledgement of the send that delivered it (retries included)")
                .publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
        this.claimRound = Timer.builder("outbox.round")
                .tag("phase", "claim").description("Claim transaction of one relay round").register(registry);
        this.awaitAcks = Timer.builder("outbox.round")
                .tag("phase", "await-acks").description("Waiting for the broker's acks of one relay round")
                .register(registry);
        this.recordRound = Timer.builder("outbox.round")
                .tag("phase", "record")
                .description("Recording the outcomes of one or more relay rounds in one transaction")
                .register(registry);
        Gauge.builder("outbox.pending", counts, c -> c.get().pending())
                .description("Outbox rows waiting to be published").register(registry);
        Gauge.builder("outbox.failed", counts, c -> c.get().failed())
                .description("Outbox rows parked as FAILED").register(registry);
        Gauge.builder("outbox.oldest.pending.age", counts, c -> ageSeconds(c.get(), clock.instant()))
                .baseUnit("seconds")
                .description("Age of the oldest waiting outbox row that no FAILED row of its order holds back")
                .register(registry);
    }

    void published(int count) {
        published.increment(count);
    }

    void retried() {
        retried.increment();
    }

    void failed() {
        failed.increment();
    }

    void fenced(int count) {
        fenced.increment(count);
    }

    void commitToAck(Instant createdAt, Instant ackedAt) {
        commitToAck.record(Duration.between(createdAt, ackedAt));
    }

    Timer claimTimer() {
        return claimRound;
    }

    Timer awaitAcksTimer() {
        return awaitAcks;
    }

    Timer recordTimer() {
        return recordRound;
    }

    void backlog(OutboxCounts snapshot) {
        counts.set(snapshot);
    }

    private static double ageSeconds(OutboxCounts c, Instant now) {
        return c.oldestPendingCreatedAt() == null ? 0
                : Math.max(0, Duration.between(c.oldestPendingCreatedAt(), now).toMillis() / 1000.0);
    }
}
