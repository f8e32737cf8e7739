package com.marketplace.gateway.support;

import com.marketplace.gateway.GatewayApp;
import com.marketplace.gateway.config.GatewayConfig;
import com.marketplace.gateway.outbox.OutboxNotifier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The real gateway on a free port over {@link TestDatabase}, with a small HTTP client for it. */
public final class RunningGateway implements AutoCloseable {

    private final GatewayApp app;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RunningGateway(GatewayApp app) {
        this.app = app;
    }

    public static RunningGateway start() {
        return start(OutboxNotifier.NONE);
    }

    public static RunningGateway start(OutboxNotifier notifier) {
        return start(TestDatabase.gatewayConfig(), notifier);
    }

    /** The gateway with the given configuration (on {@link TestDatabase}'s pool). */
    public static RunningGateway start(GatewayConfig config, OutboxNotifier notifier) {
        return start(config, notifier, 0);
    }

    /** Like {@link #start(GatewayConfig, OutboxNotifier)} on {@code port} (0: any free port). */
    public static RunningGateway start(GatewayConfig config, OutboxNotifier notifier, int port) {
        GatewayApp app = GatewayApp.create(config, TestDatabase.dataSource(), notifier);
        return new RunningGateway(app.start(port));
    }

    /** Access to an app the test built and started itself (on a data source of its choosing); closing stops it. */
    public static RunningGateway of(GatewayApp started) {
        return new RunningGateway(started);
    }

    public GatewayApp app() {
        return app;
    }

    public URI uri(String path) {
        return URI.create("http://localhost:" + app.port() + path);
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    public HttpResponse<String> postJson(String path, String json, String... headers) {
        return send(builder(path, "application/json", headers)
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build());
    }

    /** Places the order {@code json} through the API and returns its id, read from the 201's {@code Location}. */
    public long createOrder(String json) {
        String orders = "/api/v1/orders";
        HttpResponse<String> created = postJson(orders, json);
        String location = created.headers().firstValue("Location").orElse("");
        if (created.statusCode() != 201 || !location.startsWith(orders + "/")) {
            throw new IllegalStateException("order not created: " + created.statusCode() + " " + created.body());
        }
        return Long.parseLong(location.substring(orders.length() + 1));
    }

    public HttpResponse<String> putJson(String path, String json) {
        return send(builder(path, "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build());
    }

    /** Any method, content type and raw body bytes. */
    public HttpResponse<String> sendBytes(String method, String path, String contentType, byte[] body,
                                          String... headers) {
        return send(builder(path, contentType, headers)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private HttpRequest.Builder builder(String path, String contentType, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return builder;
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("request failed: " + request, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        app.stop();
    }
}
