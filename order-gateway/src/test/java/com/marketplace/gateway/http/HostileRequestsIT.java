package com.marketplace.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marketplace.gateway.config.GatewayConfig;
import com.marketplace.gateway.outbox.OutboxNotifier;
import com.marketplace.gateway.support.RunningGateway;
import com.marketplace.gateway.support.TestDatabase;
import com.marketplace.gateway.support.TestOrders;
import com.marketplace.http.testing.HostileRequests;
import com.marketplace.http.testing.LogCapture;
import com.marketplace.http.testing.RawHttp;
import com.marketplace.http.testing.RawHttp.Answer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests at the edges of HTTP itself, sent on a raw socket: broken framing, bodies cut short,
 * method override, ids in other scripts, repeated headers. Each is a clear 4xx problem (or a
 * closed connection), is logged below WARN, and writes nothing.
 */
class HostileRequestsIT {

    private static final String ADMIN_TOKEN = "hostile-admin-token-0123456789";
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int GENERATED_REQUESTS = 10_000;
    private static RunningGateway gateway;
    private static long orderId;

    @BeforeAll
    static void startGatewayWithOneOrder() {
        TestDatabase.clean();
        gateway = RunningGateway.start(TestDatabase.gatewayConfig(Map.of(GatewayConfig.ADMIN_TOKEN, ADMIN_TOKEN)),
                OutboxNotifier.NONE);
        orderId = gateway.createOrder(TestOrders.json(1));
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    @Test
    void aBodyShorterThanItsContentLengthIsAClientErrorAnsweredWithinTheReadTimeout() {
        Map<String, Long> before = TestDatabase.rowCounts();
        long started = System.nanoTime();
        try (LogCapture logs = LogCapture.start()) {
            Answer answer = send(post("/api/v1/orders", 500), "{\"buyerId\":1", false);

            assertProblem(answer, 400);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
            assertNothingLogged(logs);
        }
        assertThat(TestDatabase.rowCounts()).isEqualTo(before);
    }

    @Test
    void aClientGoingAwayMidBodyIsAClientErrorLoggedQuietly() {
        Map<String, Long> before = TestDatabase.rowCounts();
        try (LogCapture logs = LogCapture.start()) {
            Answer answer = send(post("/api/v1/orders", 500), "{\"buyerId\":1", true);

            assertProblem(answer, 400);
            assertNothingLogged(logs);
        }
        assertThat(TestDatabase.rowCounts()).isEqualTo(before);
    }

    @Test
    void anInvalidChunkSizeIsABadRequest() {
        Map<String, Long> before = TestDatabase.rowCounts();
        try (LogCapture logs = LogCapture.start()) {
            Answer answer = send("""
                    POST /api/v1/orders HTTP/1.1
                    Host: localhost
                    Content-Type: application/json
                    Transfer-Encoding: chunked
                    Connection: close
                    """, "ZZ\r\n{\"buyerId\":1}\r\n0\r\n\r\n", false);

            assertProblem(answer, 400);
            assertNothingLogged(logs);
        }
        assertThat(TestDatabase.rowCounts()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip, chunked", "identity, chunked", "x-custom, chunked"})
    void aTransferCodingBesideChunkedIsRefusedAsACompressedBodyIs(String codings) {
        Map<String, Long> before = TestDatabase.rowCounts();
        String order = TestOrders.json(1);

        Answer answer = postOrder("""
                Content-Type: application/json
                Transfer-Encoding: %s
                """.formatted(codings), Integer.toHexString(order.length()) + "\r\n" + order + "\r\n0\r\n\r\n");

        assertProblem(answer, 415);
        assertThat(TestDatabase.rowCounts()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Chunked", "CHUNKED", "  chunked  "})
    void chunkedInAnyCaseOrSpacingIsAccepted(String coding) {
        String order = TestOrders.json(1);

        Answer answer = postOrder("""
                Content-Type: application/json
                Transfer-Encoding: %s
                """.formatted(coding), Integer.toHexString(order.length()) + "\r\n" + order + "\r\n0\r\n\r\n");

        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json\nContent-Type: text/plain", "text/plain\nContent-Type: application/json"})
    void aContentTypeGivenTwiceIsABadRequestWhicheverComesFirst(String contentTypes) {
        Map<String, Long> before = TestDatabase.rowCounts();
        String order = TestOrders.json(1);

        Answer answer = postOrder("""
                Content-Type: %s
                Content-Length: %d
                """.formatted(contentTypes, order.length()), order);

        assertProblem(answer, 400);
        assertThat(TestDatabase.rowCounts()).isEqualTo(before);
    }

    @Test
    void anIdempotencyKeyOutsideVisibleAsciiIsABadRequest() {
        // a raw request: the JDK's client would not send the byte as it is
        Map<String, Long> before = TestDatabase.rowCounts();
        String order = TestOrders.json(1);

        Answer answer = postOrder("""
                Content-Type: application/json
                Content-Length: %d
                Idempotency-Key: cl\u00e9-1
                """.formatted(order.length()), order);

        assertProblem(answer, 400);
        assertThat(TestDatabase.rowCounts()).isEqualTo(before);
    }

    @Test
    void methodOverrideHeaderIsIgnored() {
        // an order of its own, which no other test's requests can have moved
        long pending = gateway.createOrder(TestOrders.json(2));
        String body = "{\"status\":\"CANCELLED\"}";
        Answer answer = send("""
                GET /api/v1/orders/%d/status HTTP/1.1
                Host: localhost
                X-HTTP-Method-Override: PUT
                Content-Type: application/json
                Content-Length: %d
                Connection: close
                """.formatted(pending, body.length()), body, false);

        assertProblem(answer, 405); // the path serves PUT only: the GET is not allowed, the override ignored
        assertThat(gateway.get("/api/v1/orders/" + pending).body()).contains("\"status\":\"PENDING\"");
    }

    static List<String> otherSpellingsOfTheOrderId() {
        String id = Long.toString(orderId);
        return List.of(inDigitsFrom(id, '\u0660'), inDigitsFrom(id, '\uFF10'), inDigitsFrom(id, '\u0966'),
                "+" + id, "0" + id, "00" + id, id + "%20", "%20" + id, "-0", id + ".0", "0x" + Long.toHexString(orderId));
    }

    @ParameterizedTest
    @MethodSource("otherSpellingsOfTheOrderId")
    void anOrderIdIsAsciiDigitsWithoutSignOrLeadingZero(String spelling) {
        assertProblem(get("/api/v1/orders/" + spelling), 400);
    }

    /** {@code id} written with the ten digits starting at {@code zero}, percent-encoded as UTF-8. */
    private static String inDigitsFrom(String id, char zero) {
        StringBuilder text = new StringBuilder();
        id.chars().forEach(c -> text.append((char) (zero + (c - '0'))));
        return URLEncoder.encode(text.toString(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad percent-encoding", "overlong URI", "overlong header", "ambiguous framing",
            "conflicting content lengths", "invalid header name", "bad HTTP version"})
    void errorsRaisedBeforeRoutingAreProblemJson(String kind) {
        String head = switch (kind) {
            case "bad percent-encoding" -> "GET /api/v1/orders/%ZZ HTTP/1.1\nHost: localhost";
            case "overlong URI" -> "GET /api/v1/orders/" + "9".repeat(20_000) + " HTTP/1.1\nHost: localhost";
            case "overlong header" -> "GET /api/v1/orders/1 HTTP/1.1\nHost: localhost\nX-Filler: " + "x".repeat(20_000);
            case "ambiguous framing" -> "POST /api/v1/orders HTTP/1.1\nHost: localhost\nContent-Length: 2\n"
                    + "Transfer-Encoding: chunked";
            case "conflicting content lengths" -> "POST /api/v1/orders HTTP/1.1\nHost: localhost\nContent-Length: 2\n"
                    + "Content-Length: 3";
            case "invalid header name" -> "GET /api/v1/orders/1 HTTP/1.1\nHost: localhost\nBad Header: x";
            case "bad HTTP version" -> "GET /api/v1/orders/1 HTTP/9.9\nHost: localhost";
            default -> throw new IllegalArgumentException(kind);
        };
        Answer answer = send(head + "\nConnection: close\n", "", false);

        // a client error, or 505 for the version: never the server's failure (a 500 is problem+json too)
        assertThat(answer.status()).as(kind).matches(status -> status / 100 == 4 || status == 505, "4xx or 505");
        assertProblem(answer, answer.status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer", "bearer", "BEARER", "bEaReR"})
    void theAuthorizationSchemeIsCaseInsensitive(String scheme) {
        Answer answer = send("""
                GET /api/v1/admin/outbox/failed HTTP/1.1
                Host: localhost
                Authorization: %s %s
                Connection: close
                """.formatted(scheme, ADMIN_TOKEN), "", false);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"%2B5", "05", "%D9%A5", "%EF%BC%95", "0", "-1", "1001", "5.0", "99999999999999999999"})
    void anAdminLimitHasOneSpellingAndABound(String limit) {
        Answer answer = send("""
                GET /api/v1/admin/outbox/failed?limit=%s HTTP/1.1
                Host: localhost
                Authorization: Bearer %s
                Connection: close
                """.formatted(limit, ADMIN_TOKEN), "", false);

        assertThat(answer.status()).as(limit + ": " + answer.body()).isEqualTo(400);
        assertThat(answer.body()).contains("limit must be an integer from 1 to");
    }

    @Test
    void aBodyThatKeepsTricklingInPastTheDeadlineIs408AndWritesNothing() {
        Map<String, Long> before = TestDatabase.rowCounts();
        byte[] body = TestOrders.json(1).getBytes(StandardCharsets.UTF_8);
        // a byte every half second never trips the idle timeout; the whole body would take over a minute
        assertThat(body.length / 2).isGreaterThan((int) ANSWER_TIMEOUT.toSeconds());

        Answer answer = RawHttp.trickle(gateway.app().port(), """
                POST /api/v1/orders HTTP/1.1
                Host: localhost
                Content-Type: application/json
                Content-Length: %d
                """.formatted(body.length), body, Duration.ofMillis(500), ANSWER_TIMEOUT);

        assertProblem(answer, 408);
        assertThat(TestDatabase.rowCounts()).isEqualTo(before);
    }

    @Test
    void twoIdempotencyKeysAreABadRequest() {
        Map<String, Long> before = TestDatabase.rowCounts();
        String body = TestOrders.json(2);
        Answer answer = postOrder("""
                Content-Type: application/json
                Idempotency-Key: first-key
                Idempotency-Key: second-key
                Content-Length: %d
                """.formatted(body.getBytes(StandardCharsets.UTF_8).length), body);

        assertProblem(answer, 400);
        assertThat(TestDatabase.rowCounts()).isEqualTo(before);
    }

    @Test
    void errorDetailsEchoClientInputOnlyTruncated() {
        String longSegment = "x".repeat(2_000);
        for (Answer answer : List.of(get("/api/v1/" + longSegment), get("/api/v1/orders/" + longSegment))) {
            assertThat(answer.status()).isBetween(400, 499);
            assertThat(problem(answer).path("detail").asText()).hasSizeLessThan(200);
        }
    }

    @Test
    void anUnknownFieldIsNamedOnlyInPartWithoutControlCharactersOrHalfAPair() {
        Map<String, Long> before = TestDatabase.rowCounts();
        // an escape character, 38 letters, then an emoji (two chars, one code point) across the 40th char
        String name = "\\u001b" + "a".repeat(38) + "\uD83D\uDE00" + "b".repeat(500);
        String body = "{\"" + name + "\":1," + TestOrders.json(2).substring(1);
        Answer answer = send("""
                POST /api/v1/orders HTTP/1.1
                Host: localhost
                Content-Type: application/json
                Content-Length: %d
                Connection: close
                """.formatted(body.getBytes(StandardCharsets.UTF_8).length), body, false);

        assertProblem(answer, 400);
        String field = problem(answer).path("errors").path(0).path("field").asText();
        assertThat(field).isEqualTo("?" + "a".repeat(38) + "\uD83D\uDE00…");
        assertThat(TestDatabase.rowCounts()).isEqualTo(before);
    }

    @Test
    void tenThousandGeneratedHostileRequestsGetNo5xxOnlyProblemJsonErrorsAndWriteNothingWhenRejected() {
        long seed = Long.getLong("hostile.seed", 20_261_125L);
        HostileRequests requests = new HostileRequests(seed, List.of("/api/v1/orders", "/api/v1/orders/{id}",
                "/api/v1/orders/{id}/status", "/api/v1/admin/outbox/failed", "/api/v1/admin/outbox/{id}/retry",
                "/health/live", "/health/ready", "/metrics", "/{id}", "/api/v1/orders/{id}/{id}"),
                List.of(TestOrders.json(3), "{\"status\":\"PAID\"}", "{\"status\":\"CANCELLED\"}"));
        Map<String, Long> counts = TestDatabase.rowCounts();
        int answered = 0;
        for (int i = 0; i < GENERATED_REQUESTS; i++) {
            HostileRequests.Request request = requests.next();
            Answer answer = request.send(gateway.app().port(), ANSWER_TIMEOUT);
            String context = "seed " + seed + ", request " + i + ":\n" + request.printable() + "\nanswer: " + answer;
            // 505 is the protocol's answer to an HTTP version other than 1.0/1.1, not a server failure
            assertThat(answer.status()).as(context).satisfiesAnyOf(
                    status -> assertThat(status).isLessThan(500), status -> assertThat(status).isEqualTo(505));
            if (answer.closedWithoutAnswer()) {
                assertThat(TestDatabase.rowCounts()).as(context).isEqualTo(counts);
                continue;
            }
            answered++;
            if (answer.status() >= 400) {
                assertErrorIsProblemJson(request, answer, context);
                assertThat(TestDatabase.rowCounts()).as(context).isEqualTo(counts);
            } else {
                counts = TestDatabase.rowCounts();
            }
        }
        assertThat(answered).as("requests answered rather than cut off").isGreaterThan(GENERATED_REQUESTS * 9 / 10);
    }

    /** Nothing at WARN or above, including what a server thread logs just after the answer or the close. */
    private static void assertNothingLogged(LogCapture logs) {
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(logs.warningsAndErrors()).isEmpty());
    }

    private static void assertErrorIsProblemJson(HostileRequests.Request request, Answer answer, String context) {
        if (request.method().equals("HEAD")) {
            return;
        }
        assertThat(answer.contentType()).as(context).startsWith("application/problem+json");
        assertThat(problem(answer).path("status").asInt()).as(context).isEqualTo(answer.status());
    }

    private static String post(String path, int contentLength) {
        return """
                POST %s HTTP/1.1
                Host: localhost
                Content-Type: application/json
                Content-Length: %d
                Connection: close
                """.formatted(path, contentLength);
    }

    private static Answer get(String path) {
        return send("GET " + path + " HTTP/1.1\nHost: localhost\nConnection: close\n", "", false);
    }

    /** {@code POST /api/v1/orders}, alone on its connection, with {@code headers} (lines) and {@code body}. */
    private static Answer postOrder(String headers, String body) {
        return send("POST /api/v1/orders HTTP/1.1\nHost: localhost\n" + headers + "Connection: close\n", body, false);
    }

    private static Answer send(String head, String body, boolean closeOutput) {
        return RawHttp.exchange(gateway.app().port(), RawHttp.request(head, body.getBytes(StandardCharsets.UTF_8)),
                closeOutput, ANSWER_TIMEOUT);
    }

    private static void assertProblem(Answer answer, int status) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).as(answer.body()).startsWith("application/problem+json");
        JsonNode problem = problem(answer);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("title").asText()).isNotBlank();
        assertThat(problem.path("type").asText()).isNotBlank();
    }

    private static JsonNode problem(Answer answer) {
        try {
            return MAPPER.readTree(answer.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + answer.body(), e);
        }
    }
}
