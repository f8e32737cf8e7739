package com.marketplace.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Answers are gzipped as Javalin's default does it, and every content type the server writes is on the allowed list. */
class ApiServerCompressionTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final Set<String> contentTypes = ConcurrentHashMap.newKeySet();
    private Javalin app;

    @BeforeEach
    void start() {
        ApiJson json = new ApiJson(JsonMapper.builder().build());
        app = ApiServer.with(json, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .routes(routes -> {
                    routes.get("/small", ctx -> json.respond(ctx, 200, Map.of("id", 1)));
                    routes.get("/large", ctx -> json.respond(ctx, 200, Map.of("items", List.of("x".repeat(4_000)))));
                    routes.get("/text/{length}", ctx -> json.respond(ctx, 200,
                            text(Integer.parseInt(ctx.pathParam("length")))));
                    routes.get("/problem", ctx -> {
                        throw new ProblemException(Problem.of(ProblemType.of(409, "Conflict", "conflict"), "taken"));
                    });
                    routes.after(ctx -> contentTypes.add(ctx.res().getContentType()));
                })
                .build().start(0);
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    private HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + path))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The text of a JSON string that is {@code length} characters long as written, quotes included. */
    private static String text(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; text.length() < length - 2; i++) {
            text.append(Integer.toString(i * 7_919, 36)).append(' ');
        }
        return text.substring(0, length - 2);
    }

    private static String inflated(byte[] body) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void largeAnswersAreGzippedAndSmallOnesAreNot() throws Exception {
        HttpResponse<byte[]> large = get("/large");
        assertThat(large.headers().firstValue("Content-Encoding")).contains("gzip");
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(large.body()))) {
            String text = new String(in.readAllBytes());
            assertThat(text.equals("{\"items\":[\"" + "x".repeat(4_000) + "\"]}")).as("the whole answer, inflated").isTrue();
        }
        HttpResponse<byte[]> small = get("/small");
        assertThat(small.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(new String(small.body())).isEqualTo("{\"id\":1}");
    }

    /**
     * Javalin copies an answer to Jetty through a buffer of {@link ApiServer#RESPONSE_COPY_BYTES} and
     * decides on gzip by the size of the first copy: answers from just above the threshold to many
     * times the buffer are gzipped whole, and sent whole to a client that does not accept gzip.
     */
    @Test
    void answersLargerThanTheCopyBufferArriveWholeGzippedOrNot() throws Exception {
        assertThat(app.unsafe.http.responseBufferSize).as("Javalin's copy buffer")
                .isEqualTo(ApiServer.RESPONSE_COPY_BYTES);
        int threshold = ApiServer.compression().getDefaultMinSizeForCompression();
        for (int length : new int[] {threshold, ApiServer.RESPONSE_COPY_BYTES, ApiServer.RESPONSE_COPY_BYTES + 1,
                100_003}) {
            String expected = "\"" + text(length) + "\"";
            HttpResponse<byte[]> gzipped = get("/text/" + length);
            assertThat(gzipped.headers().firstValue("Content-Encoding")).as("length %d", length).contains("gzip");
            assertThat(inflated(gzipped.body()).equals(expected))
                    .as("the whole answer of %d, inflated", length).isTrue();

            HttpResponse<byte[]> plain = http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + app.port() + "/text/" + length)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(plain.headers().firstValue("Content-Encoding")).as("length %d", length).isEmpty();
            assertThat(new String(plain.body(), StandardCharsets.UTF_8).equals(expected))
                    .as("the whole answer of %d", length).isTrue();
        }
    }

    @Test
    void everyContentTypeTheServerWritesIsFoundOnTheAllowedList() throws Exception {
        get("/small");
        get("/problem");
        get("/metrics");
        assertThat(contentTypes).hasSize(3);
        assertThat(ApiServer.compression().getAllowedMimeTypes()).containsAll(contentTypes);
    }
}
