package com.marketplace.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marketplace.gateway.support.RunningGateway;
import com.marketplace.gateway.support.TestDatabase;
import com.marketplace.gateway.support.TestOrders;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every bad request is answered 4xx with problem+json, and nothing is written; its {@code type} is the
 * kind architecture.md lists for the fault.
 */
class BadInputIT {

    private static final String JSON = "application/json";
    private static final String ORDERS = "/api/v1/orders";
    private static final String VALID = TestOrders.json(1);
    private static final String PROBLEMS = "https://marketplace.example/problems/";
    /**
     * The kind of problem (its {@code type} after the base) of some of {@link #badRequests()}, by name,
     * with the field a validation problem names: a body that cannot be read as JSON is malformed; one
     * that can, whatever is wrong in its fields (a value, a type, an unknown name), is invalid field by
     * field, as is a path's order id.
     */
    private static final Map<String, String[]> KINDS = Map.ofEntries(
            Map.entry("not JSON at all", new String[] {"malformed-request"}),
            Map.entry("non-UTF-8 bytes", new String[] {"malformed-request"}),
            Map.entry("trailing tokens", new String[] {"malformed-request"}),
            Map.entry("empty body", new String[] {"malformed-request"}),
            Map.entry("whitespace body", new String[] {"malformed-request"}),
            Map.entry("deeply nested arrays", new String[] {"malformed-request"}),
            Map.entry("JSON array instead of object", new String[] {"validation-error", "body"}),
            Map.entry("JSON number instead of object", new String[] {"validation-error", "body"}),
            Map.entry("JSON array of a number no double holds", new String[] {"validation-error", "body"}),
            Map.entry("JSON null", new String[] {"validation-error", "body"}),
            Map.entry("buyerId negative", new String[] {"validation-error", "buyerId"}),
            Map.entry("buyerId as string", new String[] {"validation-error", "buyerId"}),
            Map.entry("unknown field", new String[] {"validation-error", "admin"}),
            Map.entry("non-numeric order id", new String[] {"validation-error", "orderId"}),
            Map.entry("illegal transition", new String[] {"illegal-status-transition"}),
            Map.entry("wrong content type", new String[] {"unsupported-media-type"}),
            Map.entry("oversize body", new String[] {"payload-too-large"}));
    private static RunningGateway gateway;
    private static long existingOrderId;

    @BeforeAll
    static void startGatewayWithOneOrder() {
        TestDatabase.clean();
        gateway = RunningGateway.start();
        existingOrderId = gateway.createOrder(TestOrders.json(1));
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                post("malformed JSON", "{\"buyerId\":1,", 400),
                post("not JSON at all", "hello", 400),
                post("empty body", "", 400),
                post("whitespace body", " \n ", 400),
                post("JSON array instead of object", "[]", 400),
                post("JSON number instead of object", "1", 400),
                post("JSON array of a number no double holds", "[1e2147483648,[]]", 400),
                post("JSON null", "null", 400),
                post("trailing tokens", VALID + " {}", 400),
                post("deeply nested arrays", "[".repeat(5000), 400),
                post("buyerId as string", VALID.replace("\"buyerId\":1", "\"buyerId\":\"1\""), 400),
                post("buyerId as float", VALID.replace("\"buyerId\":1", "\"buyerId\":1.5"), 400),
                post("buyerId integral float", VALID.replace("\"buyerId\":1", "\"buyerId\":1.0"), 400),
                post("buyerId overflowing long", VALID.replace("\"buyerId\":1", "\"buyerId\":99999999999999999999"), 400),
                post("buyerId negative", VALID.replace("\"buyerId\":1", "\"buyerId\":-1"), 400),
                post("buyerId zero", VALID.replace("\"buyerId\":1", "\"buyerId\":0"), 400),
                post("buyerId missing", VALID.replace("\"buyerId\":1,", ""), 400),
                post("buyerId null", VALID.replace("\"buyerId\":1", "\"buyerId\":null"), 400),
                post("items missing", "{\"buyerId\":1,\"buyerEmail\":\"a@b.co\",\"currency\":\"KRW\"}", 400),
                post("items empty", "{\"buyerId\":1,\"buyerEmail\":\"a@b.co\",\"currency\":\"KRW\",\"items\":[]}", 400),
                post("101 items", withItems(101), 400),
                post("item null", "{\"buyerId\":1,\"buyerEmail\":\"a@b.co\",\"currency\":\"KRW\",\"items\":[null]}", 400),
                post("quantity zero", VALID.replace("\"quantity\":2", "\"quantity\":0"), 400),
                post("quantity 10001", VALID.replace("\"quantity\":2", "\"quantity\":10001"), 400),
                post("quantity as float", VALID.replace("\"quantity\":2", "\"quantity\":2.5"), 400),
                post("quantity overflowing int", VALID.replace("\"quantity\":2", "\"quantity\":3000000000"), 400),
                post("unitPrice zero", VALID.replace("1500.00", "0"), 400),
                post("unitPrice negative", VALID.replace("1500.00", "-1500.00"), 400),
                post("unitPrice above limit", VALID.replace("1500.00", "1000000000.01"), 400),
                post("unitPrice overflowing", VALID.replace("1500.00", "1E+400"), 400),
                post("unitPrice 3 decimals", VALID.replace("1500.00", "1500.123"), 400),
                post("unitPrice as string", VALID.replace("1500.00", "\"1500.00\""), 400),
                post("productId non-numeric", VALID.replace("\"productId\":10", "\"productId\":\"abc\""), 400),
                post("sellerId boolean", VALID.replace("\"sellerId\":7", "\"sellerId\":true"), 400),
                post("sellerId negative", VALID.replace("\"sellerId\":7", "\"sellerId\":-7"), 400),
                post("email invalid", VALID.replace("buyer1@example.com", "not-an-email"), 400),
                // well formed in every part, 255 characters in all
                post("email too long", VALID.replace("buyer1@example.com", "a@" + "b".repeat(63) + "."
                        + "c".repeat(63) + "." + "d".repeat(63) + "." + "e".repeat(61)), 400),
                post("email SQL-looking", VALID.replace("buyer1@example.com", "a@b.c'; DROP TABLE orders; --"), 400),
                post("currency SQL-looking", VALID.replace("\"KRW\"", "\"'; DELETE FROM orders; --\""), 400),
                post("currency lower case", VALID.replace("\"KRW\"", "\"krw\""), 400),
                post("currency four letters", VALID.replace("\"KRW\"", "\"KRWX\""), 400),
                post("currency as number", VALID.replace("\"KRW\"", "123"), 400),
                post("unknown field", VALID.replace("{\"buyerId\"", "{\"admin\":true,\"buyerId\""), 400),
                post("duplicate field", VALID.replace("{\"buyerId\":1", "{\"buyerId\":1,\"buyerId\":2"), 400),
                request("oversize body", "POST", ORDERS, JSON, oversize(), 413),
                request("non-UTF-8 bytes", "POST", ORDERS, JSON, latin1Body(), 400),
                request("wrong content type", "POST", ORDERS, "text/plain", bytes(VALID), 415),
                request("form content type", "POST", ORDERS, "application/x-www-form-urlencoded", bytes(VALID), 415),
                request("non-UTF-8 charset", "POST", ORDERS, "application/json; charset=ISO-8859-1", bytes(VALID), 415),
                request("charset unknown to Java", "POST", ORDERS, "application/json; charset=utf-9", bytes(VALID),
                        415),
                request("charset not a name", "POST", ORDERS, "application/json; charset=utf 8", bytes(VALID), 415),
                request("charset empty", "POST", ORDERS, "application/json; charset=", bytes(VALID), 415),
                request("content type only a separator", "POST", ORDERS, ";", bytes(VALID), 415),
                request("content type only separators", "POST", ORDERS, " ;; ", bytes(VALID), 415),
                request("gzip-encoded body", "POST", ORDERS, JSON, gzip(VALID), 415, "Content-Encoding", "gzip"),
                request("body labelled gzip", "POST", ORDERS, JSON, bytes(VALID), 415, "Content-Encoding", "gzip"),
                request("idempotency key too long", "POST", ORDERS, JSON, bytes(VALID), 400,
                        "Idempotency-Key", "k".repeat(300)),
                request("idempotency key empty", "POST", ORDERS, JSON, bytes(VALID), 400, "Idempotency-Key", ""),
                request("idempotency key blank", "POST", ORDERS, JSON, bytes(VALID), 400, "Idempotency-Key", "   "),
                request("idempotency key with a space", "POST", ORDERS, JSON, bytes(VALID), 400,
                        "Idempotency-Key", "two words"),
                request("unknown order id", "GET", ORDERS + "/999999999", null, new byte[0], 404),
                request("non-numeric order id", "GET", ORDERS + "/abc", null, new byte[0], 400),
                request("zero order id", "GET", ORDERS + "/0", null, new byte[0], 400),
                request("order id overflowing", "GET", ORDERS + "/99999999999999999999", null, new byte[0], 400),
                put("unknown status", "{\"status\":\"SHIPPING\"}", 400),
                put("lower-case status", "{\"status\":\"paid\"}", 400),
                put("status missing", "{}", 400),
                put("status as number", "{\"status\":1}", 400),
                put("illegal transition", "{\"status\":\"DELIVERED\"}", 409),
                request("status of unknown order", "PUT", ORDERS + "/999999999/status", JSON,
                        bytes("{\"status\":\"PAID\"}"), 404),
                request("unknown route", "GET", "/api/v2/orders", null, new byte[0], 404),
                request("unsupported method", "DELETE", ORDERS + "/{id}", null, new byte[0], 405));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequestIsAnswered4xxProblemJsonAndWritesNothing(String name, String method, String path,
                                                           String contentType, byte[] body, int expectedStatus,
                                                           String[] headers) throws Exception {
        Map<String, Long> before = TestDatabase.rowCounts();

        HttpResponse<String> response = gateway.sendBytes(method,
                path.replace("{id}", Long.toString(existingOrderId)), contentType, body, headers);

        assertThat(response.statusCode()).as(name).isEqualTo(expectedStatus);
        assertThat(response.headers().firstValue("Content-Type")).as(name)
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = new ObjectMapper().readTree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(expectedStatus);
        assertThat(problem.path("type").asText()).isNotBlank();
        assertThat(problem.path("title").asText()).isNotBlank();
        assertThat(problem.path("detail").asText()).isNotBlank();
        assertThat(response.body()).doesNotContain("java.", "Exception", "jackson", "SQL");
        assertThat(TestDatabase.rowCounts()).isEqualTo(before);
    }

    static Stream<Arguments> badRequestsOfKnownKind() {
        assertThat(badRequests().map(arguments -> arguments.get()[0])).containsAll(KINDS.keySet());
        return badRequests().filter(arguments -> KINDS.containsKey((String) arguments.get()[0]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequestsOfKnownKind")
    void theProblemsTypeIsTheKindDocumentedForTheFault(String name, String method, String path, String contentType,
                                                       byte[] body, int expectedStatus, String[] headers)
            throws Exception {
        HttpResponse<String> response = gateway.sendBytes(method,
                path.replace("{id}", Long.toString(existingOrderId)), contentType, body, headers);

        JsonNode problem = new ObjectMapper().readTree(response.body());
        String[] kind = KINDS.get(name);
        assertThat(problem.path("type").asText()).as(name).isEqualTo(PROBLEMS + kind[0]);
        if (kind.length > 1) {
            assertThat(problem.path("errors").findValuesAsText("field")).as(name).containsExactly(kind[1]);
        }
    }

    /** UTF-8 by its registered name or an alias Java knows, in any case, quoted or not. */
    @ParameterizedTest
    @ValueSource(strings = {"application/json; charset=utf-8", "application/json;charset=UTF-8",
            "application/json; charset=utf8", "application/json; charset=\"UTF8\"", "Application/JSON"})
    void aJsonBodyInUtf8IsAcceptedHoweverItsCharsetIsSpelled(String contentType) throws Exception {
        HttpResponse<String> response = gateway.sendBytes("POST", ORDERS, contentType, bytes(VALID));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    @Test
    void aBodyThatIsNotUtf8IsRefusedAsSuchNotByTheFieldItSpoils() throws Exception {
        HttpResponse<String> response = gateway.sendBytes("POST", ORDERS, JSON, latin1Body());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(new ObjectMapper().readTree(response.body()).path("detail").asText()).contains("not valid UTF-8");
    }

    @Test
    void anOversizeBodyAnnouncedWithExpectContinueIsRefusedBeforeItIsSent() throws Exception {
        Map<String, Long> before = TestDatabase.rowCounts();
        String statusLine;
        // A raw socket: JDK 17's HttpClient waits forever when the answer to "Expect: 100-continue"
        // is a final status, which is exactly the answer under test.
        try (Socket socket = new Socket("localhost", gateway.uri("/").getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST " + ORDERS + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + oversize().length + "\r\n"
                    + "Expect: 100-continue\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
        }

        assertThat(statusLine).as("answered without the body being sent").startsWith("HTTP/1.1 413");
        assertThat(TestDatabase.rowCounts()).isEqualTo(before);
    }

    private static Arguments post(String name, String json, int status) {
        return request(name, "POST", ORDERS, JSON, bytes(json), status);
    }

    private static Arguments put(String name, String json, int status) {
        return request(name, "PUT", ORDERS + "/{id}/status", JSON, bytes(json), status);
    }

    private static Arguments request(String name, String method, String path, String contentType, byte[] body,
                                     int status, String... headers) {
        return Arguments.of(name, method, path, contentType, body, status, headers);
    }

    private static byte[] gzip(String text) {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(compressed)) {
            out.write(bytes(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return compressed.toByteArray();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String withItems(int count) {
        String items = IntStream.rangeClosed(1, count)
                .mapToObj(i -> "{\"productId\":" + i + ",\"sellerId\":1,\"quantity\":1,\"unitPrice\":1.00}")
                .collect(Collectors.joining(","));
        return "{\"buyerId\":1,\"buyerEmail\":\"a@b.co\",\"currency\":\"KRW\",\"items\":[" + items + "]}";
    }

    private static byte[] oversize() {
        return bytes(withItems(1).replace("\"a@b.co\"", "\"a@b.co\",\"padding\":\"" + "x".repeat(70_000) + "\""));
    }

    private static byte[] latin1Body() {
        return VALID.replace("buyer1@example.com", "bü@example.com").getBytes(StandardCharsets.ISO_8859_1);
    }
}
