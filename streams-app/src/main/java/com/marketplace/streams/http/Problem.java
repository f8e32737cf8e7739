package com.marketplace.streams.http;

/** An {@code application/problem+json} body (RFC 9457). */
public record Problem(String type, String title, int status, String detail) {

    public static final String CONTENT_TYPE = "application/problem+json";

    public static Problem of(ProblemType type, String detail) {
        return new Problem(type.type(), type.title(), type.status(), detail);
    }
}
