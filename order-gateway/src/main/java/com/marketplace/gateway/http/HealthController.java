package com.marketplace.gateway.http;

import com.marketplace.gateway.db.DatabaseHealth;
import com.marketplace.http.ProblemException;
import com.marketplace.http.ProblemType;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Objects;

/** Liveness (the process answers) and readiness (the database is reachable). */
public final class HealthController {

    private final DatabaseHealth database;
    private final ApiJson json;

    public HealthController(DatabaseHealth database, ApiJson json) {
        this.database = Objects.requireNonNull(database, "database");
        this.json = Objects.requireNonNull(json, "json");
    }

    /** {@code GET /health/live}: always 200 while the server runs. */
    public void live(Context ctx) {
        ctx.status(200).contentType("application/json").result(json.write(Map.of("status", "UP")));
    }

    /** {@code GET /health/ready}: 200 when the database answers, else 503 problem+json. */
    public void ready(Context ctx) {
        if (database.isReachable()) {
            ctx.status(200).contentType("application/json").result(json.write(Map.of("status", "UP")));
        } else {
            throw new ProblemException(ProblemType.SERVICE_UNAVAILABLE, "database is not reachable");
        }
    }
}
