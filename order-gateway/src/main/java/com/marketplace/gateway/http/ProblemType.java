package com.marketplace.gateway.http;

/** The kinds of problem the API reports (RFC 9457), each with its status, title and type URI. */
public enum ProblemType {
    VALIDATION(400, "Validation failed", "validation-error"),
    MALFORMED_REQUEST(400, "Malformed request", "malformed-request"),
    UNAUTHORIZED(401, "Unauthorized", "unauthorized"),
    NOT_FOUND(404, "Not found", "not-found"),
    METHOD_NOT_ALLOWED(405, "Method not allowed", "method-not-allowed"),
    ILLEGAL_TRANSITION(409, "Illegal status transition", "illegal-status-transition"),
    NOT_FAILED(409, "Event is not failed", "event-not-failed"),
    PAYLOAD_TOO_LARGE(413, "Payload too large", "payload-too-large"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type", "unsupported-media-type"),
    IDEMPOTENCY_KEY_REUSED(422, "Idempotency key reused", "idempotency-key-reused"),
    INTERNAL_ERROR(500, "Internal server error", "internal-error"),
    SERVICE_UNAVAILABLE(503, "Service unavailable", "service-unavailable");

    private static final String TYPE_BASE = "https://marketplace.example/problems/";

    private final int status;
    private final String title;
    private final String type;

    ProblemType(int status, String title, String slug) {
        this.status = status;
        this.title = title;
        this.type = TYPE_BASE + slug;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String type() {
        return type;
    }
}
