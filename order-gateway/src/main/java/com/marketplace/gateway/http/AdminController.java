package com.marketplace.gateway.http;

import com.marketplace.gateway.outbox.FailedOutboxEvent;
import com.marketplace.gateway.outbox.OutboxAdmin;
import com.marketplace.http.ProblemException;
import com.marketplace.http.ProblemType;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Operator endpoints of the outbox, behind {@code Authorization: Bearer $ADMIN_TOKEN}. When no
 * token is configured the endpoints do not exist (404); a missing or wrong token is 401. The token
 * is compared in constant time.
 */
public final class AdminController {

    public static final String FAILED_PATH = "/api/v1/admin/outbox/failed";
    public static final String RETRY_PATH = "/api/v1/admin/outbox/{eventId}/retry";
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1_000;

    private final OutboxAdmin admin;
    private final Optional<byte[]> expectedAuthorization;
    private final ApiJson json;

    public AdminController(OutboxAdmin admin, Optional<String> adminToken, ApiJson json) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.expectedAuthorization = adminToken.map(t -> ("Bearer " + t).getBytes(StandardCharsets.UTF_8));
        this.json = Objects.requireNonNull(json, "json");
    }

    /** {@code GET /api/v1/admin/outbox/failed?limit=N}: the oldest FAILED events. */
    public void failed(Context ctx) {
        authorize(ctx);
        List<FailedOutboxEvent> events = admin.failed(limit(ctx));
        ctx.status(200).contentType("application/json").result(json.write(Map.of("events", events)));
    }

    /** {@code POST /api/v1/admin/outbox/{eventId}/retry}: requeue one FAILED event. */
    public void retry(Context ctx) {
        authorize(ctx);
        UUID eventId = eventId(ctx.pathParam("eventId"));
        switch (admin.retry(eventId)) {
            case REQUEUED -> ctx.status(200).contentType("application/json")
                    .result(json.write(Map.of("eventId", eventId, "status", "PENDING")));
            case NOT_FOUND -> throw new ProblemException(ProblemType.NOT_FOUND, "no outbox event " + eventId);
            case NOT_FAILED -> throw new ProblemException(OrderApiProblems.NOT_FAILED,
                    "outbox event " + eventId + " is not FAILED");
        }
    }

    private void authorize(Context ctx) {
        if (expectedAuthorization.isEmpty()) {
            throw new ProblemException(ProblemType.NOT_FOUND, "no resource at " + ctx.method() + " " + ctx.path());
        }
        String given = Objects.requireNonNullElse(ctx.header("Authorization"), "");
        if (!MessageDigest.isEqual(expectedAuthorization.get(), given.getBytes(StandardCharsets.UTF_8))) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ProblemException(OrderApiProblems.UNAUTHORIZED, "a valid admin bearer token is required");
        }
    }

    private static int limit(Context ctx) {
        String raw = ctx.queryParam("limit");
        if (raw == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(raw);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ProblemException(OrderApiProblems.MALFORMED_REQUEST, "limit must be an integer from 1 to " + MAX_LIMIT);
    }

    private static UUID eventId(String raw) {
        try {
            UUID id = UUID.fromString(raw);
            if (id.toString().equalsIgnoreCase(raw)) {
                return id;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new ProblemException(OrderApiProblems.MALFORMED_REQUEST, "eventId must be a UUID");
    }
}
