package com.marketplace.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shared problem+json handlers on a real Javalin server. */
class ProblemResponsesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ProblemType TEAPOT = ProblemType.of(418, "Teapot", "teapot");

    private final HttpClient http = HttpClient.newHttpClient();
    private Javalin app;

    @BeforeEach
    void start() {
        ProblemResponses problems = new ProblemResponses(value -> {
            try {
                return MAPPER.writeValueAsBytes(value);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        });
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            problems.register(cfg.routes);
            cfg.routes.exception(IllegalStateException.class,
                    (e, ctx) -> problems.unavailable(ctx, "dependency down"));
            cfg.routes.get("/raised", ctx -> {
                throw new ProblemException(Problem.of(TEAPOT, "short and stout").withErrors(List.of("spout")));
            });
            cfg.routes.get("/unavailable", ctx -> {
                throw new IllegalStateException("pool exhausted");
            });
            cfg.routes.get("/bug", ctx -> {
                throw new IllegalArgumentException("secret internals");
            });
        }).start(0);
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    @Test
    void aRaisedProblemIsAnsweredAsIs() throws Exception {
        HttpResponse<String> response = get("/raised");

        assertThat(response.statusCode()).isEqualTo(418);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith(Problem.CONTENT_TYPE));
        JsonNode body = MAPPER.readTree(response.body());
        assertThat(body.get("type").asText()).isEqualTo("https://marketplace.example/problems/teapot");
        assertThat(body.get("title").asText()).isEqualTo("Teapot");
        assertThat(body.get("status").asInt()).isEqualTo(418);
        assertThat(body.get("detail").asText()).isEqualTo("short and stout");
        assertThat(body.get("errors").get(0).asText()).isEqualTo("spout");
    }

    @Test
    void unknownRoutesAreNotFoundProblemsWithoutAnErrorsMember() throws Exception {
        HttpResponse<String> response = get("/nowhere");

        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode body = MAPPER.readTree(response.body());
        assertThat(body.get("type").asText()).isEqualTo(ProblemType.NOT_FOUND.type());
        assertThat(body.has("errors")).isFalse();
    }

    @Test
    void unavailableAnswers503WithRetryAfter() throws Exception {
        HttpResponse<String> response = get("/unavailable");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).contains(ProblemResponses.RETRY_AFTER_SECONDS);
        assertThat(MAPPER.readTree(response.body()).get("detail").asText()).isEqualTo("dependency down");
    }

    @Test
    void anUnexpectedFailureIs500AndRevealsNothing() throws Exception {
        HttpResponse<String> response = get("/bug");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).doesNotContain("secret internals", "IllegalArgumentException");
        assertThat(MAPPER.readTree(response.body()).get("type").asText()).isEqualTo(ProblemType.INTERNAL_ERROR.type());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
