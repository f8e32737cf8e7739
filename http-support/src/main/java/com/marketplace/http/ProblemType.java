package com.marketplace.http;

import java.util.Objects;

/**
 * A kind of problem an API of this project reports (RFC 9457): its HTTP status, title and type
 * URI. The transport-level kinds every API reports the same way are constants here; each service
 * declares its own domain kinds with {@link #of(int, String, String)}.
 */
public record ProblemType(int status, String title, String type) {

    private static final String TYPE_BASE = "https://marketplace.example/problems/";

    public static final ProblemType MALFORMED_REQUEST = of(400, "Malformed request", "malformed-request");
    public static final ProblemType NOT_FOUND = of(404, "Not found", "not-found");
    public static final ProblemType METHOD_NOT_ALLOWED = of(405, "Method not allowed", "method-not-allowed");
    public static final ProblemType REQUEST_TIMEOUT = of(408, "Request timeout", "request-timeout");
    public static final ProblemType PAYLOAD_TOO_LARGE = of(413, "Payload too large", "payload-too-large");
    public static final ProblemType URI_TOO_LONG = of(414, "URI too long", "uri-too-long");
    public static final ProblemType UNSUPPORTED_MEDIA_TYPE = of(415, "Unsupported media type", "unsupported-media-type");
    public static final ProblemType HEADERS_TOO_LARGE =
            of(431, "Request header fields too large", "request-header-fields-too-large");
    public static final ProblemType INTERNAL_ERROR = of(500, "Internal server error", "internal-error");
    public static final ProblemType HTTP_VERSION_NOT_SUPPORTED =
            of(505, "HTTP version not supported", "http-version-not-supported");
    public static final ProblemType SERVICE_UNAVAILABLE = of(503, "Service unavailable", "service-unavailable");

    public ProblemType {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a problem has a 4xx or 5xx status, not " + status);
        }
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(type, "type");
    }

    /** A kind whose type URI is this project's problem base followed by {@code slug}. */
    public static ProblemType of(int status, String title, String slug) {
        return new ProblemType(status, title, TYPE_BASE + slug);
    }
}
