package com.marketplace.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An {@code application/problem+json} body (RFC 9457). {@code errors} is an extension member
 * listing what was wrong with the request (e.g. invalid fields); it is left out when null.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<?> errors) {

    public static final String CONTENT_TYPE = "application/problem+json";

    public Problem {
        errors = errors == null ? null : List.copyOf(errors);
    }

    public static Problem of(ProblemType type, String detail) {
        return new Problem(type.type(), type.title(), type.status(), detail, null);
    }

    /** This problem with the request's errors listed. */
    public Problem withErrors(List<?> requestErrors) {
        return new Problem(type, title, status, detail, requestErrors);
    }
}
