package com.marketplace.http;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Times every HTTP request as {@code http_server_requests} tagged with method, route template
 * (not the raw path, so ids do not explode the series) and status. The timer of each combination is
 * looked up once and kept: building and registering it on every request took ~2 % of the gateway's
 * request threads in a profile of the gateway benchmark. Route templates and statuses are few, and
 * so are methods once a client's own are bounded: Jetty accepts any token as a method, so a method
 * outside HTTP's common ones is tagged {@value #OTHER_METHOD}, and no client can add series (and
 * memory) without end by inventing methods ({@link ClientInput#isCommonMethod}).
 */
public final class HttpMetrics {

    private static final String UNMATCHED = "UNMATCHED";
    static final String OTHER_METHOD = "OTHER";

    private record Series(String method, String route, int status) {
    }

    private final MeterRegistry registry;
    private final Map<Series, Timer> timers = new ConcurrentHashMap<>();

    public HttpMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Records one finished request; used as Javalin's request logger. */
    public void record(Context ctx, Float executionTimeMs) {
        Series series = new Series(methodOf(ctx), routeOf(ctx), ctx.statusCode());
        timers.computeIfAbsent(series, this::timer).record((long) (executionTimeMs * 1_000_000L), TimeUnit.NANOSECONDS);
    }

    private Timer timer(Series series) {
        return Timer.builder("http_server_requests")
                .description("HTTP requests served, by route template and status")
                .tag("method", series.method())
                .tag("route", series.route())
                .tag("status", Integer.toString(series.status()))
                .register(registry);
    }

    private static String methodOf(Context ctx) {
        return ClientInput.isCommonMethod(ctx.method()) ? ctx.method().name() : OTHER_METHOD;
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
