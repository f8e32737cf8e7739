package com.marketplace.gateway.http;

import com.marketplace.events.DecimalIds;
import com.marketplace.gateway.outbox.FailedOutboxEvent;
import com.marketplace.gateway.outbox.OutboxAdmin;
import com.marketplace.http.ApiJson;
import com.marketplace.http.ProblemException;
import com.marketplace.http.QueryParams;
import com.marketplace.http.RequestHeaders;
import com.marketplace.http.ProblemType;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Operator endpoints of the outbox, behind {@code Authorization: Bearer $ADMIN_TOKEN}. When no
 * token is configured the endpoints do not exist ({@link #enabled()}: their routes are not
 * registered, so every method answers 404); a missing or wrong token is 401. The
 * scheme is case-insensitive (RFC 9110 §11.1), the token is compared in constant time, and two
 * {@code Authorization} headers are a 400.
 */
public final class AdminController {

    public static final String FAILED_PATH = "/api/v1/admin/outbox/failed";
    public static final String RETRY_PATH = "/api/v1/admin/outbox/{eventId}/retry";
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1_000;

    private final OutboxAdmin admin;
    private static final String BEARER = "bearer ";

    private final Optional<byte[]> expectedToken;
    private final ApiJson json;

    public AdminController(OutboxAdmin admin, Optional<String> adminToken, ApiJson json) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.expectedToken = adminToken.map(t -> t.getBytes(StandardCharsets.UTF_8));
        this.json = Objects.requireNonNull(json, "json");
    }

    /** Whether an admin token is configured: only then are these endpoints served. */
    public boolean enabled() {
        return expectedToken.isPresent();
    }

    /** {@code GET /api/v1/admin/outbox/failed?limit=N}: the oldest FAILED events. */
    public void failed(Context ctx) {
        authorize(ctx);
        List<FailedOutboxEvent> events = admin.failed(limit(ctx));
        json.ok(ctx, Map.of("events", events));
    }

    /** {@code POST /api/v1/admin/outbox/{eventId}/retry}: requeue one FAILED event. */
    public void retry(Context ctx) {
        authorize(ctx);
        UUID eventId = eventId(ctx.pathParam("eventId"));
        switch (admin.retry(eventId)) {
            case REQUEUED -> json.ok(ctx, Map.of("eventId", eventId, "status", "PENDING"));
            case NOT_FOUND -> throw new ProblemException(ProblemType.NOT_FOUND, "no outbox event " + eventId);
            case NOT_FAILED -> throw new ProblemException(OrderApiProblems.NOT_FAILED,
                    "outbox event " + eventId + " is not FAILED");
        }
    }

    private void authorize(Context ctx) {
        String given = RequestHeaders.single(ctx, "Authorization").orElse("");
        boolean bearer = given.length() > BEARER.length()
                && given.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER);
        byte[] token = (bearer ? given.substring(BEARER.length()).strip() : "").getBytes(StandardCharsets.UTF_8);
        boolean matches = MessageDigest.isEqual(expectedToken.get(), token);
        if (!bearer || !matches) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ProblemException(OrderApiProblems.UNAUTHORIZED, "a valid admin bearer token is required");
        }
    }

    private static int limit(Context ctx) {
        String raw = QueryParams.single(ctx, "limit");
        if (raw == null) {
            return DEFAULT_LIMIT;
        }
        // one spelling, as for ids: "+5", "05" and "٥" (Arabic-Indic five) are not limits
        OptionalLong limit = DecimalIds.parse(raw);
        if (limit.isPresent() && limit.getAsLong() <= MAX_LIMIT) {
            return (int) limit.getAsLong();
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
