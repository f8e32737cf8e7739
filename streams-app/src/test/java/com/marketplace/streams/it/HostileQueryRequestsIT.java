package com.marketplace.streams.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marketplace.kafka.embedded.EmbeddedKafkaBroker;
import com.marketplace.kafka.embedded.FreePorts;
import com.marketplace.streams.StreamsApp;
import com.marketplace.streams.config.StreamsAppConfig;
import com.marketplace.streams.query.QueryPaths;
import com.marketplace.http.testing.HostileRequests;
import com.marketplace.http.testing.RawHttp;
import com.marketplace.http.testing.RawHttp.Answer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The query API against requests no well-behaved client sends: the inter-instance marker from
 * outside, method override, ids in other scripts, broken HTTP. Each is answered as an outside
 * request or a clear 4xx problem.
 */
class HostileQueryRequestsIT {

    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int GENERATED_REQUESTS = 10_000;
    private static final List<String> ALL_STATUSES = List.of("PENDING", "PAID", "SHIPPED", "DELIVERED", "CANCELLED");
    private static final String SECRET = "hostile-it-secret";
    private static EmbeddedKafkaBroker broker;
    private static StreamsApp app;

    @BeforeAll
    static void startOneInstance() {
        broker = EmbeddedKafkaBroker.builder().build();
        broker.start();
        String applicationId = "hostile-it-" + UUID.randomUUID().toString().substring(0, 8);
        int port = FreePorts.nextOnAllInterfaces();
        app = StreamsApp.create(StreamsAppConfig.defaults()
                .withKafka(broker.bootstrapServers(), Path.of("target", "it-state", applicationId))
                .withApplicationId(applicationId)
                .withHttp(port, "localhost:" + port)
                .withInstanceSecret(SECRET)).start();
        await().atMost(Duration.ofSeconds(90)).until(() -> app.streams().state() == KafkaStreams.State.RUNNING);
        await().atMost(Duration.ofSeconds(30)).until(() -> get(QueryPaths.STATUS_COUNTS).status() == 200);
    }

    @AfterAll
    static void stopAll() {
        if (app != null) {
            app.stop();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"?partitions=,", "?partitions=0", "?partitions=", "?partitions=-1", ""})
    void theForwardingMarkerFromAnOutsideClientIsRefused(String query) {
        Answer answer = send("GET " + QueryPaths.STATUS_COUNTS + query + " HTTP/1.1\nHost: localhost\n"
                + QueryPaths.FORWARDED_HEADER + ": localhost:1\nConnection: close\n");

        assertProblem(answer, 403);
        assertThat(answer.body()).contains("INSTANCE_SECRET");
        Answer unmarked = send("GET " + QueryPaths.STATUS_COUNTS + " HTTP/1.1\nHost: localhost\nConnection: close\n");
        assertThat(unmarked.status()).as(unmarked.body()).isEqualTo(200);
        assertThat(fieldNames(json(unmarked))).containsExactlyElementsOf(ALL_STATUSES);
    }

    @Test
    void aForwardedQueryMayNameEveryPartitionThereCanBe() {
        String every = IntStream.range(0, QueryPaths.MAX_PARTITIONS).mapToObj(Integer::toString)
                .collect(Collectors.joining(","));

        // the topics have 3 partitions: the list is read whole, and the partitions above 2 are the query's fault
        Answer all = forwarded(QueryPaths.STATUS_COUNTS + "?partitions=" + every);
        assertProblem(all, 400);
        assertThat(json(all).path("detail").asText()).contains("no partition 9999", "0 to 2");
        Answer three = forwarded(QueryPaths.STATUS_COUNTS + "?partitions=0,1,2");
        assertThat(three.status()).as(three.body()).isEqualTo(200);
        assertThat(fieldNames(json(three))).containsExactlyElementsOf(ALL_STATUSES);
    }

    @Test
    void methodOverrideHeaderIsIgnored() {
        Answer answer = send("POST " + QueryPaths.STATUS_COUNTS + " HTTP/1.1\nHost: localhost\n"
                + "X-HTTP-Method-Override: GET\nContent-Length: 0\nConnection: close\n");

        assertProblem(answer, 405); // the path serves GET only: the POST is not allowed, the override ignored
    }

    @ParameterizedTest
    @ValueSource(strings = {"%D9%A1", "%EF%BC%91", "+1", "01", "1%20", "-0"})
    void anIdIsAsciiDigitsWithoutSignOrLeadingZero(String id) {
        for (String path : List.of("/api/v1/stats/sellers/", "/api/v1/stats/buyers/", "/api/v1/orders/")) {
            String target = path + id + (path.startsWith("/api/v1/orders") ? "/state" : "");
            assertProblem(get(target), 400);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET /api/v1/stats/sellers/%ZZ HTTP/1.1\nHost: localhost",
            "GET /api/v1/stats/sellers/1?x=" + "9" + " HTTP/1.1\nHost: localhost\nX-Filler: ",
            "GET /api/v1/stats/sellers/1 HTTP/1.1\nHost: localhost\nContent-Length: 2\nTransfer-Encoding: chunked",
            "GET /api/v1/stats/sellers/1 HTTP/7.0\nHost: localhost"})
    void errorsRaisedBeforeRoutingAreProblemJson(String head) {
        String request = head.endsWith("X-Filler: ")
                ? head + "x".repeat(QueryPaths.MAX_REQUEST_HEADER_BYTES + 1_000) : head;
        Answer answer = send(request + "\nConnection: close\n");

        // a client error, or 505 for the version: never the server's failure (a 500 is problem+json too)
        assertThat(answer.status()).as(head).matches(status -> status / 100 == 4 || status == 505, "4xx or 505");
        assertProblem(answer, answer.status());
    }

    @Test
    void errorDetailsEchoClientInputOnlyTruncated() {
        String junk = "x".repeat(2_000);
        for (String path : List.of("/api/v1/stats/sellers/" + junk, "/api/v1/" + junk,
                QueryPaths.ORDERS_PER_MINUTE + "?from=" + junk + "&to=" + junk)) {
            Answer answer = get(path);
            assertThat(answer.status()).isBetween(400, 499);
            assertThat(json(answer).path("detail").asText()).hasSizeLessThan(200);
        }
    }

    @Test
    void tenThousandGeneratedHostileRequestsGetNo500AndOnlyProblemJsonErrors() {
        long seed = Long.getLong("hostile.seed", 20_261_125L);
        HostileRequests requests = new HostileRequests(seed, List.of(QueryPaths.STATUS_COUNTS,
                "/api/v1/stats/sellers/{id}", "/api/v1/stats/buyers/{id}", QueryPaths.ORDERS_PER_MINUTE,
                "/api/v1/orders/{id}/state", "/health/live", "/health/ready", "/metrics", "/{id}"),
                List.of("{\"status\":\"PAID\"}"));
        int answered = 0;
        for (int i = 0; i < GENERATED_REQUESTS; i++) {
            HostileRequests.Request request = requests.next();
            Answer answer = request.send(app.port(), ANSWER_TIMEOUT);
            String context = "seed " + seed + ", request " + i + ":\n" + request.printable() + "\nanswer: " + answer;
            // 503 is a store not answering yet (with Retry-After); 505 the answer to an HTTP version other than 1.x
            assertThat(answer.status()).as(context).satisfiesAnyOf(
                    status -> assertThat(status).isLessThan(500), status -> assertThat(status).isIn(503, 505));
            if (answer.closedWithoutAnswer()) {
                continue;
            }
            answered++;
            if (answer.status() >= 400 && !request.method().equals("HEAD")) {
                assertThat(answer.contentType()).as(context).startsWith("application/problem+json");
                assertThat(json(answer).path("status").asInt()).as(context).isEqualTo(answer.status());
            }
        }
        assertThat(answered).as("requests answered rather than cut off").isGreaterThan(GENERATED_REQUESTS * 9 / 10);
    }

    private static Answer get(String target) {
        return send("GET " + target + " HTTP/1.1\nHost: localhost\nConnection: close\n");
    }

    /** A GET as another instance of the application forwards it: marked, with the shared secret. */
    private static Answer forwarded(String target) {
        return send("GET " + target + " HTTP/1.1\nHost: localhost\n" + QueryPaths.FORWARDED_HEADER + ": localhost:1\n"
                + QueryPaths.INSTANCE_SECRET_HEADER + ": " + SECRET + "\nConnection: close\n");
    }

    private static Answer send(String head) {
        return RawHttp.exchange(app.port(), RawHttp.request(head, new byte[0]), ANSWER_TIMEOUT);
    }

    private static void assertProblem(Answer answer, int status) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).as(answer.body()).startsWith("application/problem+json");
        assertThat(json(answer).path("status").asInt()).isEqualTo(status);
    }

    private static JsonNode json(Answer answer) {
        try {
            return MAPPER.readTree(answer.body().getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + answer.body(), e);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
