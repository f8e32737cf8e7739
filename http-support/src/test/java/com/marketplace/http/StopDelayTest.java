package com.marketplace.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A stop with {@code SHUTDOWN_DELAY}: the server reports not ready at once and answers every request,
 * on new connections too, until the delay is over; then it stops as without one.
 */
class StopDelayTest {

    private final AtomicReference<Readiness> service = new AtomicReference<>(Readiness.up(Map.of()));
    private Javalin app;

    @AfterEach
    void stop() {
        if (app != null) {
            ApiServer.stop(app);
        }
    }

    private Javalin start(StopDelay delay) {
        ApiJson json = new ApiJson(JsonMapper.builder().build());
        return ApiServer.with(json, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .readiness(delay::readiness)
                .routes(routes -> routes.get("/work", ctx -> json.ok(ctx, Map.of("done", true))))
                .build().start(0);
    }

    @Test
    void aReadyServerReportsNotReadyAndServesThroughTheDelayThenStops() throws Exception {
        StopDelay delay = new StopDelay(Duration.ofSeconds(5), service::get);
        app = start(delay);
        int port = app.port();
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
            delay.pause();
            ApiServer.stop(app);
        });

        HttpResponse<String> ready = awaitNotReady();
        assertThat(ready.body()).contains("stopping");
        // a new client, so a new connection: the port is still open and the request answered
        HttpResponse<String> work = get("/work");
        assertThat(work.statusCode()).isEqualTo(200);
        assertThat(work.body()).contains("\"done\":true");
        assertThat(stopped).isNotDone();

        stopped.get(30, TimeUnit.SECONDS);
        // the port read before: a stopped server answers -2 for it
        assertThatThrownBy(() -> get(port, "/work")).isInstanceOf(ConnectException.class);
    }

    @Test
    void aServerThatIsNotReadyStopsWithoutTheDelay() throws Exception {
        service.set(Readiness.down("database is not reachable"));
        StopDelay delay = new StopDelay(StopDelay.MAX, service::get);
        app = start(delay);

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
            delay.pause();
            ApiServer.stop(app);
        });

        // far less than the minute it would wait if it paused
        stopped.get(20, TimeUnit.SECONDS);
        assertThat(delay.readiness().reason()).isEqualTo("stopping");
    }

    @Test
    void whetherToWaitIsDecidedWhenTheStopBegins() {
        service.set(Readiness.down("warming up the JIT"));
        StopDelay delay = new StopDelay(StopDelay.MAX, service::get);

        assertThat(delay.begin()).as("not ready at the signal: no wait").isFalse();
        // the stop then ends the warm-up, which would make the service ready: it stays down
        service.set(Readiness.up(Map.of()));
        assertThat(delay.readiness().reason()).isEqualTo("stopping");
        assertThat(delay.begin()).as("a second stop").isFalse();
    }

    @Test
    void beforeTheStopTheServicesOwnReadinessIsReported() {
        StopDelay delay = new StopDelay(Duration.ZERO, service::get);
        service.set(Readiness.down("streams is REBALANCING, not RUNNING"));

        assertThat(delay.readiness()).isEqualTo(service.get());
        delay.pause();
        assertThat(delay.readiness().ready()).isFalse();
        assertThat(delay.readiness().reason()).isEqualTo("stopping");
    }

    @Test
    void aDelayOutsideZeroToAMinuteIsRefused() {
        assertThatThrownBy(() -> new StopDelay(Duration.ofSeconds(-1), service::get))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StopDelay(StopDelay.MAX.plusMillis(1), service::get))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private HttpResponse<String> awaitNotReady() {
        return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> get("/health/ready"), response -> response.statusCode() == 503);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return get(app.port(), path);
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        // a client of its own per request: a connection opened now, not one kept from before
        HttpClient client = HttpClient.newHttpClient();
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
