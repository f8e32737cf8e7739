package com.marketplace.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.marketplace.gateway.db.Transactions;
import com.marketplace.gateway.outbox.jdbc.JdbcOutboxRepository;
import com.marketplace.gateway.outbox.jdbc.JdbcOutboxTransactions;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** What {@link OutboxModule#create} leaves behind when it fails half-way: nothing running. */
class OutboxModuleTest {

    @Test
    void aCreateThatFailsAfterTheProducerWasBuiltClosesTheProducer() {
        String relayId = "relay-create-fails";
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // the outbox's own meters register; the producer's client meters, bound after it is built, are refused.
        // Micrometer's Kafka binder logs and skips a refused metric meter, but not its first one (the client's
        // start time, registered when it binds): that one fails the bind, and with it the create
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (id.getName().startsWith("kafka.")) {
                    throw new IllegalStateException("registry refuses " + id.getName());
                }
                return id;
            }
        });
        // never asked for a connection: the create fails before the relay exists
        try (HikariDataSource unused = new HikariDataSource()) {
            OutboxTransactions store = new JdbcOutboxTransactions(new Transactions(unused), new JdbcOutboxRepository());
            Properties kafka = new Properties();
            kafka.put("bootstrap.servers", "127.0.0.1:9");
            kafka.put("client.id", relayId);

            assertThatThrownBy(() -> OutboxModule.create(store, store, registry, RelaySettings.of(relayId, 100,
                    Duration.ofSeconds(1), 3), Duration.ofHours(1), kafka, 1, 1, Clock.systemUTC()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("registry refuses kafka.");
        }

        // the producer had started its I/O thread; the failed create stopped it
        await().atMost(Duration.ofSeconds(10)).until(() -> producerThreadsOf(relayId) == 0);
    }

    private static long producerThreadsOf(String clientId) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("kafka-producer-network-thread | " + clientId))
                .count();
    }
}
