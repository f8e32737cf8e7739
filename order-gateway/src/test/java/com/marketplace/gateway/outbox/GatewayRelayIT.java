package com.marketplace.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import com.marketplace.events.EventCodec;
import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderCreated;
import com.marketplace.gateway.GatewayApp;
import com.marketplace.gateway.config.GatewayConfig;
import com.marketplace.gateway.outbox.PublishedEvents.Published;
import com.marketplace.gateway.support.RunningGateway;
import com.marketplace.gateway.support.TestDatabase;
import com.marketplace.gateway.support.TestOrders;
import com.marketplace.kafka.embedded.EmbeddedKafkaBroker;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway with its relay on, end to end over HTTP, against a real broker that can go down. */
class GatewayRelayIT {

    private static final String ADMIN_TOKEN = "test-admin-token-0123456789";
    private static final EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build();

    @BeforeAll
    static void startBroker() {
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
    void createdOrderIsPublishedWithItsEnvelopeAndIdentityHeaders() {
        try (RunningGateway gateway = RunningGateway.start(relayConfig(Map.of()), OutboxNotifier.NONE)) {
            HttpResponse<String> created = gateway.postJson("/api/v1/orders", TestOrders.json(41));
            assertThat(created.statusCode()).isEqualTo(201);
            UUID eventId = onlyEventId();

            Published published = PublishedEvents.awaitAll(broker.bootstrapServers(), List.of(eventId),
                    Duration.ofSeconds(30)).stream().filter(p -> p.eventId().equals(eventId)).findFirst().orElseThrow();

            EventEnvelope envelope = EventCodec.INSTANCE.decodeEnvelope(published.value());
            assertThat(envelope.payload()).isInstanceOf(OrderCreated.class);
            assertThat(published.key()).isEqualTo(envelope.aggregateId());
            assertThat(published.topic()).isEqualTo(envelope.type().topic());
            assertThat(envelope.eventId()).isEqualTo(eventId);
            assertThat(published.eventTypeHeader()).isEqualTo("OrderCreated").isEqualTo(envelope.eventType());
            assertThat(published.schemaVersionHeader()).isEqualTo(Integer.toString(envelope.schemaVersion()));
            await().atMost(Duration.ofSeconds(10)).until(() -> "PROCESSED".equals(OutboxFixtures.statusOf(eventId)));
            String metrics = gateway.get("/metrics").body();
            assertThat(metrics).contains("outbox_published_total", "outbox_pending", "outbox_commit_to_ack_seconds");
            // the relay's producer reports its client metrics too: at least the one record it sent
            assertThat(sampleValue(metrics, "kafka_producer_record_send_total")).isGreaterThanOrEqualTo(1.0);
            assertThat(sampleValue(metrics, "kafka_producer_record_error_total")).isZero();
        }
    }

    /** The value of the one sample of {@code name} in a Prometheus scrape. */
    private static double sampleValue(String scrape, String name) {
        List<String> samples = scrape.lines().filter(line -> line.startsWith(name + "{")).toList();
        assertThat(samples).as("samples of %s", name).hasSize(1);
        String sample = samples.get(0);
        return Double.parseDouble(sample.substring(sample.lastIndexOf(' ') + 1));
    }

    @Test
    void ordersTakenWhileTheBrokerIsDownArePublishedWhenItReturns() {
        try (RunningGateway gateway = RunningGateway.start(relayConfig(Map.of()), OutboxNotifier.NONE)) {
            // Given the relay has published once (topics exist, producer connected)
            assertThat(gateway.postJson("/api/v1/orders", TestOrders.json(1)).statusCode()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(30)).until(() -> OutboxFixtures.countByStatus(OutboxStatus.PROCESSED) == 1);

            // When the broker is down, 500 orders are still accepted
            broker.stop();
            for (int i = 0; i < 500; i++) {
                assertThat(gateway.postJson("/api/v1/orders", TestOrders.json(1000 + i)).statusCode()).isEqualTo(201);
            }
            assertThat(OutboxFixtures.countByStatus(OutboxStatus.PENDING)).isEqualTo(500);
            broker.start();

            // Then every event is published once the broker is back, none FAILED
            List<UUID> eventIds = allEventIds();
            PublishedEvents.awaitAll(broker.bootstrapServers(), eventIds, Duration.ofSeconds(150));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> OutboxFixtures.countByStatus(OutboxStatus.PROCESSED) == 501);
            assertThat(OutboxFixtures.countByStatus(OutboxStatus.FAILED)).isZero();
        } finally {
            broker.start();
        }
    }

    @Test
    void aGatewayWhoseRelayFailsReportsNotReadyAndEndsItsWaitWhileOrdersStayInTheOutbox() throws Exception {
        // Given a gateway whose relay's claiming thread fails with an Error (as when memory runs out)
        // the first time it asks for a connection
        DataSource failingInTheRelay = failingOnThreads(TestDatabase.dataSource(), "outbox-relay-gateway-");
        GatewayApp app = GatewayApp.create(relayConfig(Map.of()), failingInTheRelay, OutboxNotifier.NONE);
        try (RunningGateway gateway = RunningGateway.of(app.start(0))) {
            // Then the gateway reports not ready, naming its relay, and its wait ends with the relay's failure
            await().atMost(Duration.ofSeconds(30)).until(() -> gateway.get("/health/ready").statusCode() == 503);
            assertThat(gateway.get("/health/ready").body()).contains("the outbox relay stopped after a failure");
            assertThat(assertTimeoutPreemptively(Duration.ofSeconds(10), app::awaitTermination)).isTrue();

            // and an order taken meanwhile is committed with its event unleased, for any other relay to send
            assertThat(gateway.postJson("/api/v1/orders", TestOrders.json(77)).statusCode()).isEqualTo(201);
            assertThat(OutboxFixtures.countByStatus(OutboxStatus.PENDING)).isEqualTo(1);
            assertThat(OutboxFixtures.column("claimed_by", onlyEventId())).isEmpty();
        }
    }

    @Test
    void aStoppedGatewayEndsItsThreadsAndItsWaitAndCannotBeStartedAgain() {
        // Given a gateway with its relay that has answered a readiness check
        Set<Thread> before = gatewayThreads();
        RunningGateway gateway = RunningGateway.start(relayConfig(Map.of()), OutboxNotifier.NONE);
        Set<Thread> started;
        try {
            assertThat(gateway.get("/health/ready").statusCode()).isEqualTo(200);
            started = new HashSet<>(gatewayThreads());
            started.removeAll(before);
            assertThat(started).as("this gateway's own threads").isNotEmpty();
        } catch (AssertionError | RuntimeException e) {
            try {
                gateway.close(); // its relay is not left running on the database the other tests use
            } catch (RuntimeException closeFailure) {
                e.addSuppressed(closeFailure); // the failure reported stays the test's own
            }
            throw e;
        }

        // When it is stopped
        gateway.close();

        // Then its wait ends without a failure, none of its threads is left, and it does not start again
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(10), gateway.app()::awaitTermination)).isFalse();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gatewayThreads()).isSubsetOf(before));
        assertThatThrownBy(() -> gateway.app().start(0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stopped before it started");
    }

    /** Live threads of the gateway's own: the database check's and the relay's. */
    private static Set<Thread> gatewayThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(thread -> isGatewayThread(thread.getName()))
                .collect(Collectors.toSet());
    }

    private static boolean isGatewayThread(String name) {
        return Set.of("database-health", "outbox-backlog-counts", "outbox-cleanup").contains(name)
                || name.startsWith("outbox-relay-gateway-") || name.startsWith("outbox-relay-acks-gateway-")
                || name.startsWith("outbox-lease-gateway-");
    }

    /** {@code dataSource}, except that threads named {@code threadPrefix}… get an Error for a connection. */
    private static DataSource failingOnThreads(DataSource dataSource, String threadPrefix) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    boolean failing = Thread.currentThread().getName().startsWith(threadPrefix);
                    if (failing && method.getName().equals("getConnection")) {
                        throw new LinkageError("simulated failure of the relay's thread");
                    }
                    try {
                        return method.invoke(dataSource, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void adminCanListAndRequeueFailedEventsOnlyWithTheToken() throws Exception {
        try (RunningGateway gateway = RunningGateway.start(
                TestDatabase.gatewayConfig(Map.of(GatewayConfig.ADMIN_TOKEN, ADMIN_TOKEN)), OutboxNotifier.NONE)) {
            assertThat(gateway.postJson("/api/v1/orders", TestOrders.json(5)).statusCode()).isEqualTo(201);
            UUID eventId = onlyEventId();
            OutboxFixtures.tx().inTransaction(conn -> conn.createStatement().executeUpdate(
                    "UPDATE outbox_events SET status = 'FAILED', retry_count = 10, last_error = 'boom'"));

            assertThat(adminGet(gateway, null).statusCode()).isEqualTo(401);
            assertThat(adminGet(gateway, "Bearer wrong-token-wrong-token").statusCode()).isEqualTo(401);
            HttpResponse<String> list = adminGet(gateway, "Bearer " + ADMIN_TOKEN);
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(list.body()).contains(eventId.toString(), "boom");

            assertThat(adminRetry(gateway, eventId.toString(), null).statusCode()).isEqualTo(401);
            assertThat(adminRetry(gateway, eventId.toString(), "Bearer " + ADMIN_TOKEN).statusCode()).isEqualTo(200);
            assertThat(OutboxFixtures.statusOf(eventId)).isEqualTo("PENDING");
            assertThat(OutboxFixtures.column("retry_count", eventId)).isEqualTo("0");
            assertThat(adminRetry(gateway, eventId.toString(), "Bearer " + ADMIN_TOKEN).statusCode()).isEqualTo(409);
            assertThat(adminRetry(gateway, UUID.randomUUID().toString(), "Bearer " + ADMIN_TOKEN).statusCode())
                    .isEqualTo(404);
            assertThat(adminRetry(gateway, "not-a-uuid", "Bearer " + ADMIN_TOKEN).statusCode()).isEqualTo(400);
        }
    }

    @Test
    void adminEndpointsDoNotExistWithoutAConfiguredToken() {
        try (RunningGateway gateway = RunningGateway.start()) {
            HttpResponse<String> response = adminGet(gateway, "Bearer anything-at-all-here");
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    ct -> assertThat(ct).startsWith("application/problem+json"));
            // nor does any other method give them away (a 405 would name the methods they serve)
            HttpResponse<String> delete = gateway.send(HttpRequest.newBuilder(gateway.uri("/api/v1/admin/outbox/failed"))
                    .DELETE().header("Authorization", "Bearer anything-at-all-here").build());
            assertThat(delete.statusCode()).isEqualTo(404);
            assertThat(delete.headers().firstValue("Allow")).isEmpty();
        }
    }

    private static HttpResponse<String> adminGet(RunningGateway gateway, String authorization) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(gateway.uri("/api/v1/admin/outbox/failed")).GET();
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return gateway.send(builder.build());
    }

    private static HttpResponse<String> adminRetry(RunningGateway gateway, String eventId, String authorization) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(gateway.uri("/api/v1/admin/outbox/" + eventId + "/retry"))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return gateway.send(builder.build());
    }

    private static GatewayConfig relayConfig(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put(GatewayConfig.RELAY_ENABLED, "true");
        env.put(GatewayConfig.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
        env.put(GatewayConfig.OUTBOX_POLL_INTERVAL, "PT0.2S");
        return TestDatabase.gatewayConfig(env);
    }

    private static UUID onlyEventId() {
        List<UUID> ids = allEventIds();
        assertThat(ids).hasSize(1);
        return ids.get(0);
    }

    private static List<UUID> allEventIds() {
        List<UUID> ids = new ArrayList<>();
        for (String payload : TestDatabase.outboxPayloads("OrderCreated")) {
            ids.add(EventCodec.INSTANCE.decodeEnvelope(payload).eventId());
        }
        return ids;
    }
}
