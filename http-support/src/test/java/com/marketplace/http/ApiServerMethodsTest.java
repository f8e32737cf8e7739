package com.marketplace.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the server makes of a request's method: a HEAD is answered by the route a GET would run, so it
 * gets the GET's status (a readiness probe by HEAD sees an instance that is not ready as such), and a
 * method a client invents neither adds metric series nor is repeated whole in an answer.
 */
class ApiServerMethodsTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private Javalin app;

    @BeforeEach
    void start() {
        ApiJson json = new ApiJson(JsonMapper.builder().build());
        ApiServer server = ApiServer.with(json, registry);
        app = server
                .readiness(() -> Readiness.down("the database does not answer"))
                .routes(routes -> ApiServer.getAndHead(routes, "/things/{id}", ctx -> {
                    if (!ctx.pathParam("id").equals("1")) {
                        throw new ProblemException(Problem.of(ProblemType.NOT_FOUND, "no such thing"));
                    }
                    json.ok(ctx, Map.of("id", 1));
                }))
                .build().start(0);
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aHeadGetsTheStatusAndHeadersOfTheGetWithoutItsBody() throws Exception {
        HttpResponse<String> notReady = send("GET", "/health/ready");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.headers().firstValue("Retry-After")).as("as every 503 a retry may cure").contains("1");
        HttpResponse<String> notReadyByHead = send("HEAD", "/health/ready");
        assertThat(notReadyByHead.statusCode()).as("readiness by HEAD").isEqualTo(503);
        assertThat(notReadyByHead.headers().firstValue("Retry-After")).contains("1");
        assertThat(send("HEAD", "/health/live").statusCode()).isEqualTo(200);

        HttpResponse<String> missing = send("HEAD", "/things/2");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith(Problem.CONTENT_TYPE));
        assertThat(missing.body()).isEmpty();

        HttpResponse<String> found = send("HEAD", "/things/1");
        assertThat(found.statusCode()).isEqualTo(200);
        assertThat(found.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith(ApiJson.CONTENT_TYPE));
        assertThat(found.body()).isEmpty();
    }

    @Test
    void aMethodThePathDoesNotServeIsAnswered405WithTheMethodsItDoes() throws Exception {
        for (String method : new String[] {"DELETE", "PUT", "POST", "OPTIONS"}) {
            for (String accept : new String[] {"application/json", "text/html"}) {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                                URI.create("http://localhost:" + app.port() + "/things/1"))
                        .method(method, HttpRequest.BodyPublishers.noBody()).header("Accept", accept).build(),
                        HttpResponse.BodyHandlers.ofString());

                assertThat(answer.statusCode()).as(method).isEqualTo(405);
                assertThat(answer.headers().firstValue("Allow")).as(method + " " + accept).hasValue("GET, HEAD");
                assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                        type -> assertThat(type).startsWith(Problem.CONTENT_TYPE));
                assertThat(answer.body()).contains("\"status\":405");
            }
        }
        assertThat(send("DELETE", "/nothing/here").statusCode()).as("a path no route serves").isEqualTo(404);
    }

    @Test
    void inventedMethodsShareOneMetricSeriesAndAreQuotedWhenRepeated() throws Exception {
        for (int i = 0; i < 50; i++) {
            // a path that GET serves: not allowed, whatever the method's name
            assertThat(send("M" + i, "/things/1").statusCode()).isEqualTo(405);
        }
        send("GET", "/things/1");

        Set<String> methods = registry.find("http_server_requests").timers().stream()
                .map(timer -> timer.getId().getTag("method")).collect(Collectors.toSet());
        assertThat(methods).containsExactlyInAnyOrder(HttpMetrics.OTHER_METHOD, "GET");
        Timer other = registry.find("http_server_requests").tag("method", HttpMetrics.OTHER_METHOD).timer();
        assertThat(other.count()).isEqualTo(50);

        String longMethod = "X".repeat(5_000);
        HttpResponse<String> answer = send(longMethod, "/nowhere");
        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(answer.body())
                .contains("no resource at '" + "X".repeat(ClientInput.MAX_ECHOED_CHARS) + "…' '/nowhere'")
                .doesNotContain("X".repeat(ClientInput.MAX_ECHOED_CHARS + 1));
        assertThat(send("POST", "/nowhere").body()).contains("no resource at POST '/nowhere'");
    }
}
