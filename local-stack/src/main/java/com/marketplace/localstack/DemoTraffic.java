package com.marketplace.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marketplace.events.EventCodec;
import com.marketplace.events.OrderStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --demo N}: submits N random orders through the gateway's HTTP API (buyers 1–50, sellers
 * 1–20, 1–3 items), then moves about 60% of them along a random legal path of status changes. It
 * logs progress about every 10%, waits (bounded) until the streams app's status counts include
 * every demo order in its final status, and prints the statistics from the query API.
 */
public final class DemoTraffic {

    private static final Logger log = LoggerFactory.getLogger(DemoTraffic.class);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(120);
    private static final List<List<OrderStatus>> PATHS = List.of(
            List.of(OrderStatus.PAID), List.of(OrderStatus.PAID, OrderStatus.SHIPPED),
            List.of(OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED),
            List.of(OrderStatus.CANCELLED), List.of(OrderStatus.PAID, OrderStatus.CANCELLED));

    private final String gatewayUrl;
    private final String streamsUrl;
    private final Random random;
    private final List<Long> buyersUsed = new ArrayList<>();
    private final List<Long> sellersUsed = new ArrayList<>();
    private final ObjectMapper json = EventCodec.newMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(REQUEST_TIMEOUT).build();

    public DemoTraffic(String gatewayUrl, String streamsUrl, long seed) {
        this.gatewayUrl = gatewayUrl;
        this.streamsUrl = streamsUrl;
        this.random = new Random(seed);
    }

    /**
     * Runs the demo with {@code orders} orders.
     *
     * @return whether the stats reflected every demo order before the timeout
     */
    public boolean run(int orders) throws InterruptedException {
        Instant started = Instant.now();
        Map<OrderStatus, Long> expected = awaitStatusCounts(SETTLE_TIMEOUT);
        List<Long> ids = submitOrders(orders);
        expected.merge(OrderStatus.PENDING, (long) ids.size(), Long::sum);
        changeStatuses(ids, expected);
        boolean settled = awaitCounts(expected);
        if (settled) {
            log.info("Demo: the stats reflect all {} orders, {} ms after the first was submitted", orders,
                    Duration.between(started, Instant.now()).toMillis());
        } else {
            log.warn("Demo: the stats did not reflect every demo order within {} s", SETTLE_TIMEOUT.toSeconds());
        }
        printStats(started);
        return settled;
    }

    private List<Long> submitOrders(int orders) {
        List<Long> ids = new ArrayList<>(orders);
        int step = Math.max(1, orders / 10);
        for (int i = 1; i <= orders; i++) {
            JsonNode order = send("POST", gatewayUrl + "/api/v1/orders", newOrderBody(), 201);
            ids.add(order.get("orderId").asLong());
            if (i % step == 0 || i == orders) {
                log.info("Demo: submitted {}/{} orders ({}%)", i, orders, i * 100 / orders);
            }
        }
        return ids;
    }

    private String newOrderBody() {
        long buyer = 1 + random.nextInt(50);
        buyersUsed.add(buyer);
        StringBuilder items = new StringBuilder();
        for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
            long seller = 1 + random.nextInt(20);
            sellersUsed.add(seller);
            items.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"productId\":%d,\"sellerId\":%d,\"quantity\":%d,\"unitPrice\":%d.%02d}",
                    seller * 100 + i, seller, 1 + random.nextInt(5), 1 + random.nextInt(50_000), random.nextInt(100)));
        }
        return "{\"buyerId\":" + buyer + ",\"buyerEmail\":\"buyer" + buyer + "@example.com\",\"currency\":\"KRW\","
                + "\"items\":[" + items + "]}";
    }

    private void changeStatuses(List<Long> ids, Map<OrderStatus, Long> expected) {
        List<Long> moving = ids.stream().filter(id -> random.nextInt(10) < 6).toList();
        int step = Math.max(1, moving.size() / 10);
        for (int i = 1; i <= moving.size(); i++) {
            List<OrderStatus> path = PATHS.get(random.nextInt(PATHS.size()));
            for (OrderStatus status : path) {
                send("PUT", gatewayUrl + "/api/v1/orders/" + moving.get(i - 1) + "/status",
                        "{\"status\":\"" + status + "\"}", 200);
            }
            expected.merge(OrderStatus.PENDING, -1L, Long::sum);
            expected.merge(path.get(path.size() - 1), 1L, Long::sum);
            if (i % step == 0 || i == moving.size()) {
                log.info("Demo: changed the status of {}/{} orders ({}%)", i, moving.size(), i * 100 / moving.size());
            }
        }
    }

    private boolean awaitCounts(Map<OrderStatus, Long> expected) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (expected.equals(tryStatusCounts())) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** The current status counts, waiting while the API answers 503. */
    private Map<OrderStatus, Long> awaitStatusCounts(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<OrderStatus, Long> counts;
        while ((counts = tryStatusCounts()) == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the streams app's stats API did not answer within " + timeout);
            }
            Thread.sleep(200);
        }
        return counts;
    }

    /** The status counts, or null while the stats API is not answering yet (refused, 503). */
    private Map<OrderStatus, Long> tryStatusCounts() {
        HttpResponse<String> response;
        try {
            response = request("GET", streamsUrl + "/api/v1/stats/status-counts", null);
        } catch (IllegalStateException notAnswering) {
            if (Thread.currentThread().isInterrupted()) {
                throw notAnswering;
            }
            return null;
        }
        if (response.statusCode() != 200) {
            return null;
        }
        JsonNode body = parse(response.body());
        Map<OrderStatus, Long> counts = new EnumMap<>(OrderStatus.class);
        for (OrderStatus status : OrderStatus.values()) {
            counts.put(status, body.path(status.name()).asLong());
        }
        return counts;
    }

    private void printStats(Instant started) {
        log.info("Stats: status counts {}", get("/api/v1/stats/status-counts"));
        for (long id : sellersUsed.stream().distinct().limit(2).toList()) {
            log.info("Stats: seller {} {}", id, get("/api/v1/stats/sellers/" + id));
        }
        for (long id : buyersUsed.stream().distinct().limit(2).toList()) {
            log.info("Stats: buyer {} {}", id, get("/api/v1/stats/buyers/" + id));
        }
        Instant from = started.minus(Duration.ofMinutes(1)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        log.info("Stats: orders per minute {}", get("/api/v1/stats/orders-per-minute?from=" + from
                + "&to=" + Instant.now().plus(Duration.ofMinutes(1))));
    }

    private String get(String path) {
        HttpResponse<String> response = request("GET", streamsUrl + path, null);
        return response.statusCode() + " " + response.body();
    }

    private JsonNode send(String method, String url, String body, int expectedStatus) {
        HttpResponse<String> response = request(method, url, body);
        if (response.statusCode() != expectedStatus) {
            throw new IllegalStateException(method + " " + url + " answered " + response.statusCode());
        }
        return parse(response.body());
    }

    private HttpResponse<String> request(String method, String url, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + url + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private JsonNode parse(String body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable answer: " + e.getMessage(), e);
        }
    }
}
