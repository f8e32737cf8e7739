package com.marketplace.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marketplace.events.EventCodec;
import com.marketplace.events.Topics;
import com.marketplace.http.testing.Listening;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole local stack on random ports and a temporary data directory: orders and status changes
 * posted to the gateway show up in the streams app's stats API within seconds.
 */
class LocalStackIT {

    private static final Duration VISIBLE_WITHIN = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = EventCodec.newMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    static Path dataDir;
    private static LocalStack stack;

    @BeforeAll
    static void startStack() {
        stack = new LocalStack(new LocalStackOptions(dataDir, 0, 0, 0, 0)).start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theServicesListenOnThisMachineOnly() throws Exception {
        Optional<InetAddress> other = Listening.nonLoopbackAddress();
        assumeTrue(other.isPresent(), "this machine has no address but loopback");
        for (String url : List.of(stack.gatewayUrl(), stack.streamsUrl(), "kafka://" + stack.bootstrapServers())) {
            int port = URI.create(url).getPort();
            assertThat(Listening.accepts(InetAddress.getLoopbackAddress(), port)).as(url + " on loopback").isTrue();
            assertThat(Listening.accepts(other.get(), port)).as(url + " through " + other.get()).isFalse();
        }
    }

    @Test
    void aSecondStackOnTheSameDataDirectoryFailsBeforeStartingAnything() throws Exception {
        LocalStack second = new LocalStack(new LocalStackOptions(dataDir, 0, 0, 0, 0));
        try {
            assertThatThrownBy(second::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another local stack is running on the data directory");
        } finally {
            second.close();
        }
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + "/health/ready")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).as("the first stack still serves").isEqualTo(200);
    }

    @Test
    void ordersAndStatusChangesPostedToTheGatewayAppearInTheStatsApi() throws Exception {
        Map<String, Long> counts = statusCounts();
        long first = createOrder(901, 71, 2, "1500.00");
        long second = createOrder(901, 72, 1, "99.99");
        long third = createOrder(902, 71, 3, "10.00");
        changeStatus(first, "PAID");
        changeStatus(second, "CANCELLED");
        changeStatus(first, "SHIPPED");
        counts.merge("PENDING", 1L, Long::sum);
        counts.merge("SHIPPED", 1L, Long::sum);
        counts.merge("CANCELLED", 1L, Long::sum);

        await().atMost(VISIBLE_WITHIN).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(statusCounts()).isEqualTo(counts);
            assertThat(stats("/api/v1/stats/sellers/71").toString())
                    .isEqualTo("{\"sellerId\":71,\"orders\":2,\"itemsSold\":5,\"revenue\":3030.00}");
            assertThat(stats("/api/v1/stats/sellers/72").toString())
                    .isEqualTo("{\"sellerId\":72,\"orders\":1,\"itemsSold\":1,\"revenue\":0.00}");
            assertThat(stats("/api/v1/stats/buyers/901").toString())
                    .isEqualTo("{\"buyerId\":901,\"orders\":2,\"totalSpent\":3000.00}");
            JsonNode state = stats("/api/v1/orders/" + third + "/state");
            assertThat(state.get("status").asText()).isEqualTo("PENDING");
            assertThat(state.get("buyerId").asLong()).isEqualTo(902);
        });
        // ready once its start's JIT warm-up is over too, which stops within 30 s
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(request("GET", stack.streamsUrl() + "/health/ready", null).statusCode()).isEqualTo(200));
    }

    @Test
    void anOrderReachesTheThreeOutputTopics() throws Exception {
        List<String> topics = List.of(Topics.EMAIL, Topics.NOTIFICATION, Topics.ANALYTICS);
        Map<String, Long> before = settledCounts(topics);
        Map<TopicPartition, Long> from = TopicCounts.ends(stack.bootstrapServers(), topics);
        createOrder(903, 73, 1, "5.00");
        // one confirmation email, a notification to the buyer and one to the seller, one analytics record
        Map<String, Long> expected = Map.of(Topics.EMAIL, before.get(Topics.EMAIL) + 1,
                Topics.NOTIFICATION, before.get(Topics.NOTIFICATION) + 2, Topics.ANALYTICS, before.get(Topics.ANALYTICS) + 1);
        await().atMost(VISIBLE_WITHIN).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(TopicCounts.committed(stack.bootstrapServers(), topics)).isEqualTo(expected));
        // and counted from where the topics ended before it, the order's records alone
        assertThat(TopicCounts.committedSince(stack.bootstrapServers(), topics, from))
                .isEqualTo(Map.of(Topics.EMAIL, 1L, Topics.NOTIFICATION, 2L, Topics.ANALYTICS, 1L));
    }

    @Test
    void demoTrafficIsReflectedInTheStats() throws Exception {
        assertThat(new DemoTraffic(stack.gatewayUrl(), stack.streamsUrl(), 5).run(20)).isTrue();
    }

    /** Committed record counts once earlier tests' transactions have all committed (two equal reads). */
    private static Map<String, Long> settledCounts(List<String> topics) {
        AtomicReference<Map<String, Long>> last = new AtomicReference<>(Map.of());
        await().atMost(VISIBLE_WITHIN).pollInterval(Duration.ofMillis(500)).until(() ->
                last.getAndSet(TopicCounts.committed(stack.bootstrapServers(), topics)).equals(last.get()));
        return last.get();
    }

    /** Status counts so far (other tests share the stack); every status is present. */
    private static Map<String, Long> statusCounts() throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        stats("/api/v1/stats/status-counts").fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asLong()));
        assertThat(counts.keySet()).containsExactly("PENDING", "PAID", "SHIPPED", "DELIVERED", "CANCELLED");
        return counts;
    }

    private static long createOrder(long buyer, long seller, int quantity, String unitPrice) throws Exception {
        String body = "{\"buyerId\":" + buyer + ",\"buyerEmail\":\"b" + buyer + "@example.com\",\"currency\":\"KRW\","
                + "\"items\":[{\"productId\":1,\"sellerId\":" + seller + ",\"quantity\":" + quantity
                + ",\"unitPrice\":" + unitPrice + "}]}";
        HttpResponse<String> response = request("POST", stack.gatewayUrl() + "/api/v1/orders", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body()).get("orderId").asLong();
    }

    private static void changeStatus(long orderId, String status) throws Exception {
        HttpResponse<String> response = request("PUT", stack.gatewayUrl() + "/api/v1/orders/" + orderId + "/status",
                "{\"status\":\"" + status + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private static JsonNode stats(String path) throws Exception {
        HttpResponse<String> response = request("GET", stack.streamsUrl() + path, null);
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> request(String method, String url, String body)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
