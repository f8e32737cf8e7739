package com.marketplace.gateway.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.marketplace.gateway.order.FieldError;
import java.util.List;

/**
 * An {@code application/problem+json} body (RFC 9457). {@code errors} lists invalid fields and is
 * present only for validation problems.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    public static final String CONTENT_TYPE = "application/problem+json";

    public static Problem of(ProblemType type, String detail) {
        return new Problem(type.type(), type.title(), type.status(), detail, null);
    }

    public static Problem validation(String detail, List<FieldError> errors) {
        ProblemType type = ProblemType.VALIDATION;
        return new Problem(type.type(), type.title(), type.status(), detail, List.copyOf(errors));
    }
}
