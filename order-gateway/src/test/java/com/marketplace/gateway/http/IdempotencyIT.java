package com.marketplace.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.marketplace.gateway.config.GatewayConfig;
import com.marketplace.gateway.outbox.OutboxNotifier;
import com.marketplace.gateway.support.Concurrently;
import com.marketplace.gateway.support.RunningGateway;
import com.marketplace.gateway.support.TestDatabase;
import com.marketplace.gateway.support.TestOrders;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POST /api/v1/orders with an Idempotency-Key: one order per key, whatever the timing. */
class IdempotencyIT {

    private static final String ORDERS = "/api/v1/orders";
    private static RunningGateway gateway;

    @BeforeAll
    static void startGateway() {
        gateway = RunningGateway.start();
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    @BeforeEach
    void cleanDatabase() {
        TestDatabase.clean();
    }

    @Test
    void postWithSameIdempotencyKeyReturnsFirstOrder() {
        HttpResponse<String> first = gateway.postJson(ORDERS, TestOrders.json(1), "Idempotency-Key", "k-1");
        HttpResponse<String> second = gateway.postJson(ORDERS, TestOrders.json(1), "Idempotency-Key", "k-1");

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(second.statusCode()).isEqualTo(201);
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(second.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        assertOneOrderOneEventOneKey();
    }

    @Test
    void aKeyPastItsRetentionIsDeletedByAGatewayAndItsReuseMakesANewOrder() {
        // Given an order made with a key two minutes ago, and a gateway keeping keys one minute
        HttpResponse<String> first = gateway.postJson(ORDERS, TestOrders.json(1), "Idempotency-Key", "k-expiring");
        TestDatabase.update("UPDATE idempotency_keys SET created_at = TIMESTAMPADD(MINUTE, -2, created_at)");
        try (RunningGateway keepingAMinute = RunningGateway.start(TestDatabase.gatewayConfig(
                Map.of(GatewayConfig.IDEMPOTENCY_KEY_RETENTION, "PT1M")), OutboxNotifier.NONE)) {

            // Then that gateway deletes the key, and the same key and body make a new order
            await().atMost(Duration.ofSeconds(30)).until(() -> TestDatabase.count("idempotency_keys") == 0);
            HttpResponse<String> again = keepingAMinute.postJson(ORDERS, TestOrders.json(1), "Idempotency-Key",
                    "k-expiring");
            assertThat(again.statusCode()).isEqualTo(201);
            assertThat(again.headers().firstValue("Location")).isNotEqualTo(first.headers().firstValue("Location"));
            assertThat(TestDatabase.count("orders")).isEqualTo(2);
        }
    }

    @Test
    void replayAfterAStatusChangeStillReturnsTheFirstAnswer() {
        HttpResponse<String> first = gateway.postJson(ORDERS, TestOrders.json(1), "Idempotency-Key", "k-paid");
        String location = first.headers().firstValue("Location").orElseThrow();
        assertThat(gateway.putJson(location + "/status", "{\"status\":\"PAID\"}").statusCode()).isEqualTo(200);

        HttpResponse<String> replay = gateway.postJson(ORDERS, TestOrders.json(1), "Idempotency-Key", "k-paid");

        assertThat(replay.statusCode()).isEqualTo(201);
        assertThat(replay.body()).isEqualTo(first.body()).contains("\"status\":\"PENDING\"");
        assertThat(gateway.get(location).body()).contains("\"status\":\"PAID\"");
    }

    @Test
    void reformattedSameBodyIsTheSameRequest() {
        String reformatted = TestOrders.json(1).replace(",", " , ").replace("1500.00", "1500");
        HttpResponse<String> first = gateway.postJson(ORDERS, TestOrders.json(1), "Idempotency-Key", "k-1");
        HttpResponse<String> second = gateway.postJson(ORDERS, reformatted, "Idempotency-Key", "k-1");

        assertThat(second.statusCode()).isEqualTo(201);
        assertThat(second.body()).isEqualTo(first.body());
        assertOneOrderOneEventOneKey();
    }

    @Test
    void postWithSameKeyAndDifferentBodyIsRejectedWith422() {
        gateway.postJson(ORDERS, TestOrders.json(1), "Idempotency-Key", "k-1");

        HttpResponse<String> other = gateway.postJson(ORDERS, TestOrders.json(2), "Idempotency-Key", "k-1");

        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(other.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(other.body()).contains("\"status\":422");
        assertOneOrderOneEventOneKey();
    }

    @Test
    void concurrentPostsWithOneKeyCreateExactlyOneOrder() {
        for (int round = 0; round < 5; round++) {
            TestDatabase.clean();
            String key = "race-" + round;

            List<HttpResponse<String>> responses = Concurrently.run(8,
                    thread -> () -> gateway.postJson(ORDERS, TestOrders.json(1), "Idempotency-Key", key));

            assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(201));
            assertThat(responses.stream().map(r -> r.headers().firstValue("Location").orElseThrow()).distinct())
                    .hasSize(1);
            assertOneOrderOneEventOneKey();
        }
    }

    @Test
    void concurrentPostsWithOneKeyAndTwoBodiesCreateOneOrderAndRefuseTheOtherBody() {
        for (int round = 0; round < 5; round++) {
            TestDatabase.clean();
            String key = "race-bodies-" + round;

            // four threads send buyer 1's order and four buyer 2's, all with the same key
            List<HttpResponse<String>> responses = Concurrently.run(8,
                    thread -> () -> gateway.postJson(ORDERS, TestOrders.json(1 + thread % 2), "Idempotency-Key", key));

            // one body wins: its requests are all the one order's 201, the other body's all 422
            assertThat(responses).extracting(HttpResponse::statusCode).containsOnly(201, 422).contains(201);
            List<HttpResponse<String>> created = responses.stream().filter(r -> r.statusCode() == 201).toList();
            assertThat(created.stream().map(r -> r.headers().firstValue("Location").orElseThrow()).distinct())
                    .hasSize(1);
            String winner = created.get(0).body().contains("\"buyerId\":1,") ? "\"buyerId\":1," : "\"buyerId\":2,";
            assertThat(created).hasSize(4).allSatisfy(r -> assertThat(r.body()).contains(winner));
            assertOneOrderOneEventOneKey();
        }
    }

    /**
     * The race InnoDB breaks with a deadlock: a first request holds the new key uncommitted, two more
     * with the same key wait for it, and the first rolls back. Each of the two then holds a shared lock
     * on the key and waits for the other's to insert it; the database rolls one back, which runs its
     * transaction again and answers the survivor's order.
     */
    @Test
    void twoRequestsLeftDeadlockedByAThirdsRollbackBothAnswerTheOneOrder() throws Exception {
        assumeFalse(TestDatabase.isH2(), "needs InnoDB's locks on a duplicate key");
        long otherOrder = orderId(gateway.postJson(ORDERS, TestOrders.json(2)));
        String key = "k-deadlock";
        long deadlocksBefore = deadlocks();
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try (Connection first = TestDatabase.dataSource().getConnection()) {
            first.setAutoCommit(false);
            holdKey(first, key, otherOrder);
            List<Future<HttpResponse<String>>> racing = List.of(
                    clients.submit(() -> gateway.postJson(ORDERS, TestOrders.json(1), "Idempotency-Key", key)),
                    clients.submit(() -> gateway.postJson(ORDERS, TestOrders.json(1), "Idempotency-Key", key)));
            // both wait for the first's lock on the key (a global status: no PROCESS privilege needed)
            await().atMost(Duration.ofSeconds(30)).until(() -> innoDbStatus("INNODB_ROW_LOCK_CURRENT_WAITS") >= 2);

            first.rollback();

            List<HttpResponse<String>> responses = new ArrayList<>();
            for (Future<HttpResponse<String>> response : racing) {
                responses.add(response.get(30, TimeUnit.SECONDS));
            }
            assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).as(r.body()).isEqualTo(201));
            assertThat(responses.stream().map(r -> r.headers().firstValue("Location").orElseThrow()).distinct())
                    .hasSize(1);
        } finally {
            clients.shutdownNow();
        }
        assertThat(deadlocks()).as("InnoDB broke a deadlock").isGreaterThan(deadlocksBefore);
        assertThat(TestDatabase.count("orders")).isEqualTo(2);
        assertThat(TestDatabase.count("outbox_events")).isEqualTo(2);
        assertThat(TestDatabase.count("idempotency_keys")).isEqualTo(1);
    }

    private static void holdKey(Connection conn, String key, long orderId) throws SQLException {
        try (PreparedStatement insert = conn.prepareStatement("INSERT INTO idempotency_keys"
                + " (idempotency_key, request_hash, order_id, created_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP(6))")) {
            insert.setBytes(1, key.getBytes(StandardCharsets.UTF_8));
            insert.setString(2, "0".repeat(64));
            insert.setLong(3, orderId);
            insert.executeUpdate();
        }
    }

    /** The deadlocks InnoDB has broken since the server started. */
    private static long deadlocks() {
        return innoDbStatus("INNODB_DEADLOCKS");
    }

    private static long innoDbStatus(String name) {
        return TestDatabase.queryLong(
                "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = ?", name);
    }

    private static long orderId(HttpResponse<String> created) {
        assertThat(created.statusCode()).isEqualTo(201);
        String location = created.headers().firstValue("Location").orElseThrow();
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    @Test
    void keysDifferingOnlyInCaseAreDifferentKeys() {
        gateway.postJson(ORDERS, TestOrders.json(1), "Idempotency-Key", "abc");
        HttpResponse<String> upper = gateway.postJson(ORDERS, TestOrders.json(2), "Idempotency-Key", "ABC");

        assertThat(upper.statusCode()).isEqualTo(201);
        assertThat(TestDatabase.count("orders")).isEqualTo(2);
    }

    @Test
    void postsWithoutKeyAlwaysCreateNewOrders() {
        gateway.postJson(ORDERS, TestOrders.json(1));
        gateway.postJson(ORDERS, TestOrders.json(1));

        assertThat(TestDatabase.count("orders")).isEqualTo(2);
        assertThat(TestDatabase.count("idempotency_keys")).isZero();
    }

    private static void assertOneOrderOneEventOneKey() {
        assertThat(TestDatabase.count("orders")).isEqualTo(1);
        assertThat(TestDatabase.count("order_items")).isEqualTo(2);
        assertThat(TestDatabase.count("outbox_events")).isEqualTo(1);
        assertThat(TestDatabase.count("idempotency_keys")).isEqualTo(1);
    }
}
