package com.marketplace.streams.http;

/** The kinds of problem the query API reports (RFC 9457), each with its status, title and type URI. */
public enum ProblemType {
    INVALID_PARAMETER(400, "Invalid parameter", "invalid-parameter"),
    NOT_FOUND(404, "Not found", "not-found"),
    METHOD_NOT_ALLOWED(405, "Method not allowed", "method-not-allowed"),
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
