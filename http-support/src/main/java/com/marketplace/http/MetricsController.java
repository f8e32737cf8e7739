package com.marketplace.http;

import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Objects;

/** {@code GET /metrics}: the registry in Prometheus text format. */
public final class MetricsController {

    public static final String PATH = "/metrics";

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    public MetricsController(PrometheusMeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    public void scrape(Context ctx) {
        ctx.status(200).contentType(PROMETHEUS_TEXT).result(registry.scrape());
    }
}
