package com.marketplace.http;

import java.util.Map;
import java.util.Objects;

/**
 * Whether a service can serve requests now. Ready: {@code GET /health/ready} answers 200 with
 * {@code {"status":"UP"}} and the details; not ready: 503 problem+json naming the reason.
 */
public record Readiness(boolean ready, String reason, Map<String, String> details) {

    public Readiness {
        Objects.requireNonNull(reason, "reason");
        details = Map.copyOf(details);
    }

    public static Readiness up(Map<String, String> details) {
        return new Readiness(true, "", details);
    }

    public static Readiness down(String reason) {
        return new Readiness(false, reason, Map.of());
    }
}
