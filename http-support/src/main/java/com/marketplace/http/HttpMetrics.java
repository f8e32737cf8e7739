package com.marketplace.http;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;

/**
 * Times every HTTP request as {@code http_server_requests} tagged with method, route template
 * (not the raw path, so ids do not explode the series) and status.
 */
public final class HttpMetrics {

    private static final String UNMATCHED = "UNMATCHED";

    private final MeterRegistry registry;

    public HttpMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Records one finished request; used as Javalin's request logger. */
    public void record(Context ctx, Float executionTimeMs) {
        Timer.builder("http_server_requests")
                .description("HTTP requests served, by route template and status")
                .tag("method", ctx.method().name())
                .tag("route", routeOf(ctx))
                .tag("status", Integer.toString(ctx.statusCode()))
                .register(registry)
                .record(Duration.ofNanos((long) (executionTimeMs * 1_000_000L)));
    }

    private static String routeOf(Context ctx) {
        try {
            Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
            return endpoint == null ? UNMATCHED : endpoint.path;
        } catch (RuntimeException noEndpoint) {
            return UNMATCHED;
        }
    }
}
