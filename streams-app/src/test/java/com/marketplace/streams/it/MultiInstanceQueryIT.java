package com.marketplace.streams.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marketplace.events.EventCodec;
import com.marketplace.events.OrderCreated;
import com.marketplace.events.StoreNames;
import com.marketplace.kafka.embedded.EmbeddedKafkaBroker;
import com.marketplace.kafka.embedded.FreePorts;
import com.marketplace.streams.StreamsApp;
import com.marketplace.streams.config.StreamsAppConfig;
import com.marketplace.streams.query.QueryPaths;
import com.marketplace.streams.query.WindowCount;
import com.marketplace.streams.stats.BuyerStats;
import com.marketplace.streams.stats.OrderState;
import com.marketplace.streams.stats.SellerStats;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two streams-app instances (same application id, one standby replica each, no {@code INSTANCE_SECRET}:
 * the contract's settings alone) against one real broker, fed the events of 500 orders with re-sent
 * duplicates. Every key is asked on both
 * instances and must give the same answer, equal to the value computed directly from the input;
 * then one instance stops and the other must answer every key, correct or 503 meanwhile.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiInstanceQueryIT {

    private static final int ORDERS = 500;
    private static final int DUPLICATES = 50;
    private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(2);
    /** What marks the instances' forwarded queries: with no INSTANCE_SECRET set, their application id. */
    private static String instanceSecret;

    private static final QueryHttp http = new QueryHttp();
    private static EmbeddedKafkaBroker broker;
    private static StreamsApp first;
    private static StreamsApp second;
    private static InputScenario scenario;
    private static ExpectedStats expected;
    private static Instant base;

    @BeforeAll
    static void startTwoInstancesAndFeedThem() {
        broker = EmbeddedKafkaBroker.builder().build();
        broker.start();
        String applicationId = "iq-it-" + UUID.randomUUID().toString().substring(0, 8);
        instanceSecret = applicationId;
        Path state = Path.of("target", "it-state", applicationId);
        first = startInstance(applicationId, state.resolve("first"));
        second = startInstance(applicationId, state.resolve("second"));
        await().atMost(Duration.ofSeconds(90)).until(() -> isRunning(first) && isRunning(second));
        base = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(1));
        scenario = InputScenario.ofOrders(11, ORDERS, DUPLICATES, base);
        expected = new ExpectedStats(scenario);
        scenario.publish(broker.bootstrapServers());
        // every input record processed and committed; what the instances answer is for the tests to check
        InputScenario.awaitRead(broker.bootstrapServers(), applicationId, scenario.sends.size(), SETTLE_TIMEOUT);
    }

    private static StreamsApp startInstance(String applicationId, Path stateDir) {
        int port = FreePorts.nextOnAllInterfaces();
        StreamsAppConfig config = StreamsAppConfig.defaults()
                .withKafka(broker.bootstrapServers(), stateDir)
                .withApplicationId(applicationId)
                .withHttp(port, "localhost:" + port)
                .withStandbyReplicas(1);
        return StreamsApp.create(config).start();
    }

    @AfterAll
    static void stopAll() {
        for (StreamsApp app : new StreamsApp[] {first, second}) {
            if (app != null) {
                app.stop();
            }
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @Order(1)
    void everyKeyGivesTheSameCorrectAnswerOnBothInstances() {
        assertThat(scenario.creations()).hasSize(ORDERS);
        assertThat(ownersOfAllOrders()).as("both instances own keys, so half the queries are forwarded")
                .containsExactlyInAnyOrder(hostOf(first), hostOf(second));
        for (StreamsApp app : List.of(first, second)) {
            expected.sellers.forEach((id, stats) -> assertSeller(app, id, stats));
            expected.buyers.forEach((id, stats) -> assertBuyer(app, id, stats));
            for (OrderCreated order : scenario.creations()) {
                assertOrder(app, order);
            }
        }
        for (long orderId = 1; orderId <= ORDERS; orderId += 7) {
            String path = QueryPaths.withId(QueryPaths.ORDER_STATE, orderId);
            assertThat(http.get(first.port(), path).body()).isEqualTo(http.get(second.port(), path).body());
        }
    }

    @Test
    @Order(2)
    void statusCountsAreSummedOverInstancesWithEveryStatusPresent() {
        Map<String, Long> counts = expectedStatusCounts();
        assertThat(counts.keySet()).containsExactly("PENDING", "PAID", "SHIPPED", "DELIVERED", "CANCELLED");
        assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(ORDERS);
        assertThat(statusCountsOn(first)).isEqualTo(counts);
        assertThat(statusCountsOn(second)).isEqualTo(counts);
    }

    @Test
    @Order(3)
    void ordersPerMinuteAreCorrectOnBothInstances() {
        String path = QueryPaths.ORDERS_PER_MINUTE + "?from=" + base.minus(Duration.ofMinutes(5))
                + "&to=" + base.plus(Duration.ofHours(2));
        Map<Long, Long> expectedWindows = expected.ordersPerMinute;
        for (StreamsApp app : List.of(first, second)) {
            HttpResponse<String> response = http.get(app.port(), path);
            assertThat(response.statusCode()).isEqualTo(200);
            WindowCount[] windows = EventCodec.INSTANCE.decode(response.body().getBytes(), WindowCount[].class);
            Map<Long, Long> actual = new TreeMap<>();
            for (WindowCount window : windows) {
                actual.put(window.windowStart().toEpochMilli(), window.count());
            }
            assertThat(actual).isEqualTo(expectedWindows);
        }
        String narrow = QueryPaths.ORDERS_PER_MINUTE + "?from=" + base.plus(Duration.ofMinutes(2))
                + "&to=" + base.plus(Duration.ofMinutes(3));
        assertThat(http.get(first.port(), narrow).body()).isEqualTo("[{\"windowStart\":\""
                + base.plus(Duration.ofMinutes(2)) + "\",\"count\":" + expectedWindows.get(
                base.plus(Duration.ofMinutes(2)).toEpochMilli()) + "}]");

        // [from, to) to the nanosecond: a window starting a microsecond before 'from' is out, one
        // starting half a millisecond before 'to' is in
        Instant third = base.plus(Duration.ofMinutes(3));
        assertThat(expectedWindows).containsKeys(base.plus(Duration.ofMinutes(2)).toEpochMilli(), third.toEpochMilli());
        for (StreamsApp app : List.of(first, second)) {
            String subMillisecond = QueryPaths.ORDERS_PER_MINUTE + "?from=" + base.plus(Duration.ofMinutes(2)).plusNanos(1_000)
                    + "&to=" + third.plusNanos(500_000);
            assertThat(http.get(app.port(), subMillisecond).body()).isEqualTo("[{\"windowStart\":\"" + third
                    + "\",\"count\":" + expectedWindows.get(third.toEpochMilli()) + "}]");
        }
    }

    @Test
    @Order(4)
    void unknownKeysAre404AndInvalidParametersAre400() {
        for (StreamsApp app : List.of(first, second)) {
            assertProblem(http.get(app.port(), "/api/v1/stats/sellers/987654"), 404);
            assertProblem(http.get(app.port(), "/api/v1/stats/buyers/987654"), 404);
            assertProblem(http.get(app.port(), "/api/v1/orders/987654/state"), 404);
            assertProblem(http.get(app.port(), "/api/v1/no-such-route"), 404);
            for (String bad : List.of("/api/v1/stats/sellers/0", "/api/v1/stats/sellers/abc",
                    "/api/v1/stats/buyers/-1", "/api/v1/orders/1.5/state", "/api/v1/orders/99999999999999999999/state",
                    QueryPaths.ORDERS_PER_MINUTE, QueryPaths.ORDERS_PER_MINUTE + "?from=2026-11-25T10:00:00Z",
                    QueryPaths.ORDERS_PER_MINUTE + "?from=yesterday&to=2026-11-25T10:00:00Z",
                    QueryPaths.ORDERS_PER_MINUTE + "?from=2026-11-25T10:00:00Z&to=2026-11-25T10:00:00Z",
                    QueryPaths.ORDERS_PER_MINUTE + "?from=2026-11-25T11:00:00Z&to=2026-11-25T10:00:00Z",
                    QueryPaths.ORDERS_PER_MINUTE + "?from=2026-11-24T09:59:59Z&to=2026-11-25T10:00:00Z",
                    QueryPaths.ORDERS_PER_MINUTE + "?from=%2B100000000-01-01T00:00:00Z&to=%2B100000000-01-01T01:00:00Z",
                    QueryPaths.ORDERS_PER_MINUTE + "?from=1969-12-31T23:00:00Z&to=1969-12-31T23:30:00Z")) {
                assertProblem(http.get(app.port(), bad), 400);
            }
            // ready once RUNNING and the start's JIT warm-up is over (it stops within 30 s)
            await().atMost(Duration.ofSeconds(40)).until(() -> http.get(app.port(), "/health/ready").statusCode() == 200);
            assertThat(http.get(app.port(), "/health/live").statusCode()).isEqualTo(200);
        }
    }

    @Test
    @Order(5)
    void aForwardedQueryToANonOwnerIsAnswered503AndNotForwardedAgain() {
        long orderOfSecond = orderOwnedBy(second);
        double servedBySecond = stateRequestsServed(second);
        HttpResponse<String> response = http.get(first.port(), QueryPaths.withId(QueryPaths.ORDER_STATE, orderOfSecond),
                QueryPaths.FORWARDED_HEADER, "localhost:1", QueryPaths.INSTANCE_SECRET_HEADER, instanceSecret);
        assertProblem(response, 503);
        assertThat(response.headers().firstValue("Retry-After")).contains("1");

        HttpResponse<String> plain = http.get(first.port(), QueryPaths.withId(QueryPaths.ORDER_STATE, orderOfSecond));
        assertThat(plain.statusCode()).isEqualTo(200);
        // only the unmarked query reaches the owner: exactly one request more, and it stays one
        await().atMost(Duration.ofSeconds(5)).during(Duration.ofMillis(500))
                .until(() -> stateRequestsServed(second) == servedBySecond + 1);

        // a forwarded statistics query names partitions: answered only when every one is active here
        HttpResponse<String> allPartitions = forwardedStatusCounts(first, "0,1,2");
        assertProblem(allPartitions, 503);
        Map<String, Long> onFirst = parseCounts(forwardedStatusCounts(first, partitionsOf(first)).body());
        Map<String, Long> onSecond = parseCounts(forwardedStatusCounts(second, partitionsOf(second)).body());
        Map<String, Long> added = new LinkedHashMap<>(onFirst);
        onSecond.forEach((status, count) -> added.merge(status, count, Long::sum));
        assertThat(added).as("the partitions of both instances add up to the totals").isEqualTo(expectedStatusCounts());
    }

    private static HttpResponse<String> forwardedStatusCounts(StreamsApp app, String partitions) {
        return http.get(app.port(), QueryPaths.STATUS_COUNTS + "?" + QueryPaths.PARTITIONS_PARAM + "=" + partitions,
                QueryPaths.FORWARDED_HEADER, "localhost:1", QueryPaths.INSTANCE_SECRET_HEADER, instanceSecret);
    }

    /** The input partitions {@code app} actively owns, as the comma-separated parameter value. */
    private static String partitionsOf(StreamsApp app) {
        return app.streams().metadataForLocalThreads().stream()
                .flatMap(thread -> thread.activeTasks().stream())
                .map(task -> task.taskId().partition())
                .sorted().map(String::valueOf).collect(Collectors.joining(","));
    }

    @Test
    @Order(5)
    void theForwardingMarkerWithoutTheSecretIsRefusedAndGoesNoFurther() {
        long orderOfSecond = orderOwnedBy(second);
        double servedBySecond = stateRequestsServed(second);
        for (String secret : List.of("", "wrong-secret-wrong-secret", instanceSecret.toUpperCase())) {
            HttpResponse<String> response = http.get(first.port(),
                    QueryPaths.withId(QueryPaths.ORDER_STATE, orderOfSecond),
                    QueryPaths.FORWARDED_HEADER, "localhost:1", QueryPaths.INSTANCE_SECRET_HEADER, secret);
            assertProblem(response, 403);
        }
        assertProblem(http.get(first.port(), QueryPaths.STATUS_COUNTS + "?partitions=0",
                QueryPaths.FORWARDED_HEADER, "localhost:1"), 403);
        // refused before anything else of the request is looked at
        assertProblem(http.get(first.port(), "/api/v1/stats/sellers/abc", QueryPaths.FORWARDED_HEADER, "localhost:1"), 403);
        assertProblem(http.get(first.port(), QueryPaths.ORDERS_PER_MINUTE + "?from=yesterday",
                QueryPaths.FORWARDED_HEADER, "localhost:1"), 403);
        // refused where it arrived: the owner was never asked
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> stateRequestsServed(second) == servedBySecond);
    }

    @Test
    @Order(6)
    void metricsExposeStreamsClientHttpTimingsAndDedupeDrops() {
        String scrape = http.get(first.port(), "/metrics").body() + http.get(second.port(), "/metrics").body();
        assertThat(scrape).contains("kafka_stream_thread_", "http_server_requests_seconds_count",
                "route=\"/api/v1/stats/sellers/{sellerId}\"", "dedupe_dropped_events_total");
        double drops = first.meterRegistry().get("dedupe.dropped.events").functionCounter().count()
                + second.meterRegistry().get("dedupe.dropped.events").functionCounter().count();
        assertThat(drops).as("each copy dropped once, on whichever instance owns it").isEqualTo(DUPLICATES);
    }

    @Test
    @Order(7)
    void afterOneInstanceStopsTheOtherAnswersEveryKeyAndOnlyCorrectOr503Meanwhile() {
        second.stop();
        // each pass asserts every answer (correct, or 503 with Retry-After) and counts the 503s
        await().atMost(SETTLE_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> fullPassOn(first) == 0);
        assertThat(isRunning(first)).isTrue();
        assertThat(ownersOfAllOrders()).containsExactly(hostOf(first));
    }

    /** Asks every key once; every answer must be the correct one or a 503 with Retry-After. */
    private static int fullPassOn(StreamsApp app) {
        int unavailable = 0;
        unavailable += correctOr503(http.get(app.port(), QueryPaths.STATUS_COUNTS),
                body -> assertThat(parseCounts(body)).isEqualTo(expectedStatusCounts()));
        for (var seller : expected.sellers.entrySet()) {
            unavailable += correctOr503(http.get(app.port(), QueryPaths.withId(QueryPaths.SELLER_STATS, seller.getKey())),
                    body -> assertStats(EventCodec.INSTANCE.decode(body.getBytes(), SellerStats.class), seller.getValue()));
        }
        for (var buyer : expected.buyers.entrySet()) {
            unavailable += correctOr503(http.get(app.port(), QueryPaths.withId(QueryPaths.BUYER_STATS, buyer.getKey())),
                    body -> assertStats(EventCodec.INSTANCE.decode(body.getBytes(), BuyerStats.class), buyer.getValue()));
        }
        for (OrderCreated order : scenario.creations()) {
            unavailable += correctOr503(http.get(app.port(), QueryPaths.withId(QueryPaths.ORDER_STATE, order.orderId())),
                    body -> assertOrderState(EventCodec.INSTANCE.decode(body.getBytes(), OrderState.class), order));
        }
        return unavailable;
    }

    private static int correctOr503(HttpResponse<String> response, java.util.function.Consumer<String> check) {
        assertThat(response.statusCode()).as(response.uri() + " " + response.body()).isIn(200, 503);
        if (response.statusCode() == 503) {
            assertThat(response.headers().firstValue("Retry-After")).contains("1");
            return 1;
        }
        check.accept(response.body());
        return 0;
    }

    /**
     * The answer to {@code path} as a client that follows the API gets it: a {@code 503} (the key's owner
     * did not answer the forwarded query in time, a pause of a JVM on a busy machine) is asked again after
     * its {@code Retry-After}, at most twice.
     */
    private static HttpResponse<String> answered(StreamsApp app, String path) {
        HttpResponse<String> response = http.get(app.port(), path);
        for (int retry = 0; retry < 2 && response.statusCode() == 503; retry++) {
            assertThat(response.headers().firstValue("Retry-After")).contains("1");
            try {
                Thread.sleep(Duration.ofSeconds(1).toMillis()); // the Retry-After, in full (a park may end early)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting to ask again", e);
            }
            response = http.get(app.port(), path);
        }
        return response;
    }

    private static void assertSeller(StreamsApp app, long sellerId, SellerStats expectedStats) {
        HttpResponse<String> response = answered(app, QueryPaths.withId(QueryPaths.SELLER_STATS, sellerId));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertStats(EventCodec.INSTANCE.decode(response.body().getBytes(), SellerStats.class), expectedStats);
    }

    private static void assertBuyer(StreamsApp app, long buyerId, BuyerStats expectedStats) {
        HttpResponse<String> response = answered(app, QueryPaths.withId(QueryPaths.BUYER_STATS, buyerId));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertStats(EventCodec.INSTANCE.decode(response.body().getBytes(), BuyerStats.class), expectedStats);
    }

    private static void assertOrder(StreamsApp app, OrderCreated order) {
        HttpResponse<String> response = answered(app, QueryPaths.withId(QueryPaths.ORDER_STATE, order.orderId()));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertOrderState(EventCodec.INSTANCE.decode(response.body().getBytes(), OrderState.class), order);
    }

    private static void assertStats(Object actual, Object expectedStats) {
        assertThat(actual).usingRecursiveComparison()
                .withComparatorForType(BigDecimal::compareTo, BigDecimal.class).isEqualTo(expectedStats);
    }

    private static void assertOrderState(OrderState state, OrderCreated order) {
        assertThat(state.orderId()).isEqualTo(order.orderId());
        assertThat(state.created()).isTrue();
        assertThat(state.status()).isEqualTo(expected.orderStatus.get(order.orderId()));
        assertThat(state.buyerId()).isEqualTo(order.buyerId());
        assertThat(state.sellerIds()).isEqualTo(order.sellerIds());
        assertThat(state.totalAmount()).isEqualByComparingTo(order.totalAmount());
        assertThat(state.currency()).isEqualTo(order.currency());
    }

    private static void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.uri() + " " + response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.body()).contains("\"status\":" + status);
    }

    private static Map<String, Long> expectedStatusCounts() {
        return expected.statusCountsOfEveryStatus();
    }

    private static Map<String, Long> statusCountsOn(StreamsApp app) {
        return http.statusCounts(app.port());
    }

    private static Map<String, Long> parseCounts(String body) {
        return QueryHttp.parseCounts(body);
    }

    private static Set<HostInfo> ownersOfAllOrders() {
        return scenario.creations().stream().map(order -> first.streams().queryMetadataForKey(StoreNames.ORDER_STATE,
                Long.toString(order.orderId()), new StringSerializer()).activeHost()).collect(Collectors.toSet());
    }

    private static long orderOwnedBy(StreamsApp app) {
        return scenario.creations().stream().map(OrderCreated::orderId)
                .filter(id -> hostOf(app).equals(first.streams().queryMetadataForKey(StoreNames.ORDER_STATE,
                        Long.toString(id), new StringSerializer()).activeHost()))
                .findFirst().orElseThrow();
    }

    private static double stateRequestsServed(StreamsApp app) {
        var timer = app.meterRegistry().find("http_server_requests").tag("route", QueryPaths.ORDER_STATE).timers();
        return timer.stream().mapToDouble(t -> t.count()).sum();
    }

    private static HostInfo hostOf(StreamsApp app) {
        return HostInfo.buildFromEndpoint(app.config().applicationServer());
    }

    private static boolean isRunning(StreamsApp app) {
        return app.streams().state() == KafkaStreams.State.RUNNING;
    }
}
