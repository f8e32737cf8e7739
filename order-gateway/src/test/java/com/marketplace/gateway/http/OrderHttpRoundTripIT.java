package com.marketplace.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marketplace.events.EventCodec;
import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderCreated;
import com.marketplace.events.OrderItem;
import com.marketplace.events.OrderStatus;
import com.marketplace.events.OrderStatusChanged;
import com.marketplace.gateway.GatewayApp;
import com.marketplace.gateway.config.GatewayConfig;
import com.marketplace.gateway.db.DataSources;
import com.marketplace.gateway.outbox.OutboxNotifier;
import com.marketplace.gateway.support.RunningGateway;
import com.marketplace.gateway.support.TestDatabase;
import com.marketplace.gateway.support.TestOrders;
import com.zaxxer.hikari.HikariDataSource;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real server on a random port: create, read, change status; the outbox holds the matching envelopes. */
class OrderHttpRoundTripIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger NOTIFICATIONS = new AtomicInteger();
    private static final OutboxNotifier COUNTING_NOTIFIER = NOTIFICATIONS::incrementAndGet;
    private static RunningGateway gateway;

    @BeforeAll
    static void startGateway() {
        gateway = RunningGateway.start(COUNTING_NOTIFIER);
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    @BeforeEach
    void cleanDatabase() {
        TestDatabase.clean();
        NOTIFICATIONS.set(0);
    }

    @Test
    void createdOrderIsReadableAndItsOutboxEnvelopeCarriesTheSameData() throws Exception {
        HttpResponse<String> created = gateway.postJson("/api/v1/orders", TestOrders.json(1));

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode order = JSON.readTree(created.body());
        long orderId = order.get("orderId").asLong();
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/orders/" + orderId);
        assertThat(order.get("orderNumber").asText()).matches("ORD-\\d{8}-\\d{10}");
        assertThat(order.get("status").asText()).isEqualTo("PENDING");
        assertThat(order.get("totalAmount").decimalValue()).isEqualByComparingTo("3099.99");
        assertThat(created.body()).contains("\"totalAmount\":3099.99", "\"unitPrice\":1500.00");

        HttpResponse<String> read = gateway.get("/api/v1/orders/" + orderId);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).isEqualTo(created.body());

        List<String> payloads = TestDatabase.outboxPayloads("OrderCreated");
        assertThat(payloads).hasSize(1);
        EventEnvelope envelope = EventCodec.INSTANCE.decodeEnvelope(payloads.get(0));
        assertThat(envelope.aggregateId()).isEqualTo(Long.toString(orderId));
        OrderCreated payload = (OrderCreated) envelope.payload();
        assertThat(payload.orderNumber()).isEqualTo(order.get("orderNumber").asText());
        assertThat(payload.buyerId()).isEqualTo(1);
        assertThat(payload.buyerEmail()).isEqualTo("buyer1@example.com");
        assertThat(payload.sellerIds()).containsExactly(3L, 7L);
        assertThat(payload.items()).containsExactly(
                new OrderItem(10, 7, 2, new BigDecimal("1500.00")),
                new OrderItem(11, 3, 1, new BigDecimal("99.99")));
        assertThat(payload.totalAmount()).isEqualTo(new BigDecimal("3099.99"));
        assertThat(payload.currency()).isEqualTo("KRW");
        assertThat(payload.status()).isEqualTo(OrderStatus.PENDING);
        assertThat(payload.createdAt()).isEqualTo(Instant.parse(order.get("createdAt").asText()));
        assertThat(NOTIFICATIONS.get()).isEqualTo(1);
    }

    @Test
    void statusChangesFollowTheStateMachineAndWriteOneEventEach() throws Exception {
        long orderId = JSON.readTree(gateway.postJson("/api/v1/orders", TestOrders.json(1)).body())
                .get("orderId").asLong();
        String statusPath = "/api/v1/orders/" + orderId + "/status";

        HttpResponse<String> paid = gateway.putJson(statusPath, "{\"status\":\"PAID\"}");
        HttpResponse<String> again = gateway.putJson(statusPath, "{\"status\":\"PAID\"}");
        HttpResponse<String> illegal = gateway.putJson(statusPath, "{\"status\":\"PENDING\"}");

        assertThat(paid.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(paid.body()).get("status").asText()).isEqualTo("PAID");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(paid.body());
        assertThat(illegal.statusCode()).isEqualTo(409);
        assertThat(illegal.headers().firstValue("Content-Type")).hasValue("application/problem+json");

        List<String> changes = TestDatabase.outboxPayloads("OrderStatusChanged");
        assertThat(changes).hasSize(1);
        OrderStatusChanged change = (OrderStatusChanged) EventCodec.INSTANCE.decodeEnvelope(changes.get(0)).payload();
        assertThat(change.previousStatus()).isEqualTo(OrderStatus.PENDING);
        assertThat(change.status()).isEqualTo(OrderStatus.PAID);
        assertThat(change.sellerIds()).containsExactly(3L, 7L);
        assertThat(change.changedAt()).isEqualTo(Instant.parse(JSON.readTree(paid.body()).get("updatedAt").asText()));
        assertThat(NOTIFICATIONS.get()).isEqualTo(2);
    }

    @Test
    void healthAndMetricsAreServed() {
        // the gateway serves the whole class, so the counter holds the other tests' orders too
        double creationsBefore = counter(gateway.get("/metrics").body(), "order_creations_total");
        assertThat(gateway.postJson("/api/v1/orders", TestOrders.json(1)).statusCode()).isEqualTo(201);
        gateway.get("/api/v1/orders/999999");

        assertThat(gateway.get("/health/live").statusCode()).isEqualTo(200);
        assertThat(gateway.get("/health/ready").statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = gateway.get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        assertThat(counter(metrics.body(), "order_creations_total")).isEqualTo(creationsBefore + 1);
        assertThat(metrics.body())
                .contains("route=\"/api/v1/orders/{orderId}\"")
                .contains("status=\"404\"")
                .contains("http_server_requests_seconds_count");
    }

    @Test
    void aStopWithAShutdownDelayReportsNotReadyAndTakesOrdersUntilTheDelayIsOver() throws Exception {
        GatewayConfig config = TestDatabase.gatewayConfig(Map.of(GatewayConfig.SHUTDOWN_DELAY, "PT5S"));
        RunningGateway view = RunningGateway.start(config, OutboxNotifier.NONE);
        CompletableFuture<Void> stopped;
        try {
            assertThat(view.get("/health/ready").statusCode()).isEqualTo(200);

            stopped = CompletableFuture.runAsync(view.app()::stop);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(view.get("/health/ready").statusCode()).isEqualTo(503));
            assertThat(view.get("/health/ready").body()).contains("stopping");
            assertThat(view.postJson("/api/v1/orders", TestOrders.json(4)).statusCode()).isEqualTo(201);
            assertThat(stopped).isNotDone();
        } catch (RuntimeException | AssertionError e) {
            view.close();
            throw e;
        }
        stopped.get(60, TimeUnit.SECONDS);
    }

    @Test
    void readinessIsUnavailableWhenTheDatabaseIsNot() throws Exception {
        GatewayConfig config = TestDatabase.gatewayConfig();
        HikariDataSource pool = DataSources.create(TestDatabase.url(), config.dbUser(), config.dbPassword(),
                config.dbPoolSize());
        GatewayApp app = GatewayApp.create(TestDatabase.gatewayConfig(), pool, OutboxNotifier.NONE).start(0);
        try (RunningGateway view = RunningGateway.of(app)) {
            assertThat(view.get("/health/ready").statusCode()).isEqualTo(200);

            pool.close();

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(view.get("/health/ready").statusCode()).isEqualTo(503));
            assertThat(view.get("/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> create = view.postJson("/api/v1/orders", TestOrders.json(3));
            assertThat(create.statusCode()).as("database down is unavailable, not an internal error").isEqualTo(503);
            assertThat(create.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(create.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
        }
    }

    @Test
    void aGatewayOnAPoolOfItsOwnExportsHowManyTransactionsWaitForAConnection() throws Exception {
        GatewayApp app = GatewayApp.create(TestDatabase.gatewayConfig()).start(0);
        try (RunningGateway view = RunningGateway.of(app)) {
            assertThat(view.postJson("/api/v1/orders", TestOrders.json(4)).statusCode()).isEqualTo(201);

            assertThat(view.get("/metrics").body()).contains("db_transactions_waiting 0.0");
        }
    }

    /** The value of the unlabelled sample {@code name} in a Prometheus text exposition. */
    private static double counter(String exposition, String name) {
        return exposition.lines().filter(line -> line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(name.length() + 1).trim()))
                .findFirst().orElseThrow(() -> new AssertionError(name + " not exported"));
    }
}
