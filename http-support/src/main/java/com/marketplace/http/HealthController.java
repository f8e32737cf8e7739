package com.marketplace.http;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/** {@code GET /health/live} (the process answers) and {@code GET /health/ready} (the service's check). */
public final class HealthController {

    public static final String LIVE_PATH = "/health/live";
    public static final String READY_PATH = "/health/ready";

    private final Supplier<Readiness> readiness;
    private final ApiJson json;

    public HealthController(Supplier<Readiness> readiness, ApiJson json) {
        this.readiness = Objects.requireNonNull(readiness, "readiness");
        this.json = Objects.requireNonNull(json, "json");
    }

    /** Always 200 while the server runs. */
    public void live(Context ctx) {
        json.ok(ctx, Map.of("status", "UP"));
    }

    /** 200 with the details when ready, else 503 problem+json with the reason and {@code Retry-After}. */
    public void ready(Context ctx) {
        Readiness now = readiness.get();
        if (!now.ready()) {
            ctx.header("Retry-After", ProblemResponses.RETRY_AFTER_SECONDS);
            throw new ProblemException(ProblemType.SERVICE_UNAVAILABLE, now.reason());
        }
        Map<String, String> body = new LinkedHashMap<>();
        body.put("status", "UP");
        body.putAll(now.details());
        json.ok(ctx, body);
    }
}
