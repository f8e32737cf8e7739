package com.marketplace.gateway.outbox;

import com.marketplace.gateway.db.Transactions;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;

/**
 * The outbox's background parts wired together for one gateway instance: the relay (also the
 * commit notifier) and its upkeep (backlog gauges, cleanup). {@link #start()} launches the
 * threads; {@link #close()} stops them, letting the batch in flight finish.
 */
public final class OutboxModule implements AutoCloseable {

    private final OutboxRelay relay;
    private final OutboxMaintenance maintenance;

    private OutboxModule(OutboxRelay relay, OutboxMaintenance maintenance) {
        this.relay = relay;
        this.maintenance = maintenance;
    }

    /**
     * @param kafkaProps      client properties with at least {@code bootstrap.servers}
     * @param topicPartitions partitions of the order topics when they have to be created
     * @param replication     replication factor of the order topics when they have to be created
     */
    public static OutboxModule create(Transactions tx, MeterRegistry registry, RelaySettings settings,
            Duration retention, Properties kafkaProps, int topicPartitions, int replication, Clock clock) {
        JdbcOutboxRepository repository = new JdbcOutboxRepository();
        OutboxMetrics metrics = new OutboxMetrics(registry, clock);
        OutboxRelay relay = new OutboxRelay(tx, repository, OutboxPublisher.create(kafkaProps, clock), settings,
                metrics, clock)
                .beforeFirstRound(() -> OutboxTopics.ensureExist(kafkaProps, topicPartitions, replication));
        OutboxMaintenance maintenance = new OutboxMaintenance(tx, repository, metrics, retention,
                settings.relayId(), clock);
        return new OutboxModule(relay, maintenance);
    }

    public void start() {
        relay.start();
        maintenance.start();
    }

    /** Asks the relay for a claim round (e.g. after a FAILED row was put back to PENDING). */
    public OutboxNotifier notifier() {
        return relay;
    }

    /** The direct path from order transactions to the relay. */
    public OutboxHandoff handoff() {
        return relay;
    }

    @Override
    public void close() {
        maintenance.close();
        relay.close();
    }
}
