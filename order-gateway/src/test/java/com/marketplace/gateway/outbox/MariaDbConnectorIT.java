package com.marketplace.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.marketplace.events.EventCodec;
import com.marketplace.gateway.GatewayApp;
import com.marketplace.gateway.config.GatewayConfig;
import com.marketplace.gateway.db.DataSources;
import com.marketplace.gateway.db.Migrations;
import com.marketplace.gateway.support.Concurrently;
import com.marketplace.gateway.support.RunningGateway;
import com.marketplace.gateway.support.TestDatabase;
import com.marketplace.gateway.support.TestOrders;
import com.marketplace.kafka.embedded.EmbeddedKafkaBroker;
import com.zaxxer.hikari.HikariDataSource;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway on MariaDB Connector/J ({@code jdbc:mariadb:} URLs) against the test database's server:
 * the same schema, the same statements, the driver-dependent parts (generated ids, duplicate keys,
 * locking claims, fenced marks) through the other driver. Runs when the test database is a MySQL
 * protocol server (CI: MariaDB); H2 has no such URL.
 */
class MariaDbConnectorIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build();

    @BeforeAll
    static void startBroker() {
        assumeTrue(TestDatabase.url().startsWith("jdbc:mysql:"), "needs a MySQL protocol server, not H2");
        broker.start();
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
    void thePoolUsesMariaDbConnectorJAndFindsTheSchemaMigrated() throws Exception {
        try (HikariDataSource pool = DataSources.create(mariadbUrl(), TestDatabase.user(), TestDatabase.password(), 2)) {
            Migrations.migrate(pool);
            try (Connection conn = pool.getConnection()) {
                assertThat(conn.getMetaData().getDriverName()).containsIgnoringCase("MariaDB");
                assertThat(conn.getAutoCommit()).isFalse();
                assertThat(conn.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
            }
        }
    }

    @Test
    void ordersAndTheirStatusChangesArePublishedOnceAndMarkedProcessed() throws Exception {
        List<UUID> eventIds = new ArrayList<>();
        try (RunningGateway gateway = onMariaDbConnector()) {
            for (int i = 0; i < 20; i++) {
                String created = gateway.postJson("/api/v1/orders", TestOrders.json(100 + i)).body();
                long orderId = JSON.readTree(created).get("orderId").asLong();
                if (i % 2 == 0) {
                    // a status change written while its creation may still be in flight waits in a claim round
                    assertThat(gateway.putJson("/api/v1/orders/" + orderId + "/status", "{\"status\":\"PAID\"}")
                            .statusCode()).isEqualTo(200);
                }
            }
            for (String type : List.of("OrderCreated", "OrderStatusChanged")) {
                for (String payload : TestDatabase.outboxPayloads(type)) {
                    eventIds.add(EventCodec.INSTANCE.decodeEnvelope(payload).eventId());
                }
            }
            assertThat(eventIds).hasSize(30);

            PublishedEvents.awaitAll(broker.bootstrapServers(), eventIds, Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> OutboxFixtures.countByStatus(OutboxStatus.PROCESSED) == 30);
            Map<UUID, Long> copies = PublishedEvents.countsByEventId(PublishedEvents.readAll(broker.bootstrapServers()));
            // the broker outlives the test: other tests' events are there too
            assertThat(eventIds).allSatisfy(id -> assertThat(copies.get(id)).as("copies of %s", id).isOne());
        }
    }

    @Test
    void concurrentPostsWithOneIdempotencyKeyMeetOnItsDuplicateKeyAndMakeOneOrder() {
        try (RunningGateway gateway = onMariaDbConnector()) {
            for (int round = 0; round < 3; round++) {
                String key = "mariadb-race-" + round;
                List<HttpResponse<String>> responses = Concurrently.run(8, thread -> () -> gateway.postJson(
                        "/api/v1/orders", TestOrders.json(7), "Idempotency-Key", key));

                // the losers' key inserts fail as duplicates, and they answer with the winner's order
                assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(201));
                assertThat(responses.stream().map(r -> r.headers().firstValue("Location").orElseThrow()).distinct())
                        .hasSize(1);
                assertThat(TestDatabase.count("orders")).isEqualTo(round + 1);
            }
            assertThat(gateway.postJson("/api/v1/orders", TestOrders.json(8), "Idempotency-Key", "mariadb-race-0")
                    .statusCode()).isEqualTo(422);
        }
    }

    /** The gateway as production wires it: its own pool on {@code DB_URL}, here a {@code jdbc:mariadb:} URL. */
    private static RunningGateway onMariaDbConnector() {
        return RunningGateway.of(GatewayApp.create(relayOnMariaDbConnector()).start(0));
    }

    private static GatewayConfig relayOnMariaDbConnector() {
        Map<String, String> env = new HashMap<>();
        env.put(GatewayConfig.DB_URL, mariadbUrl());
        env.put(GatewayConfig.RELAY_ENABLED, "true");
        env.put(GatewayConfig.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
        env.put(GatewayConfig.OUTBOX_POLL_INTERVAL, "PT0.2S");
        return TestDatabase.gatewayConfig(env);
    }

    private static String mariadbUrl() {
        return "jdbc:mariadb:" + TestDatabase.url().substring("jdbc:mysql:".length());
    }
}
