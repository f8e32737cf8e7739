package com.marketplace.gateway.http;

import com.marketplace.gateway.order.FieldError;
import com.marketplace.http.Problem;
import com.marketplace.http.ProblemType;
import java.util.List;

/**
 * The order API's own kinds of problem; transport-level ones (404, 405, 413, 415, 500, 503) are
 * the shared {@link ProblemType} constants.
 */
public final class OrderApiProblems {

    public static final ProblemType VALIDATION = ProblemType.of(400, "Validation failed", "validation-error");
    public static final ProblemType MALFORMED_REQUEST = ProblemType.MALFORMED_REQUEST;
    public static final ProblemType UNAUTHORIZED = ProblemType.of(401, "Unauthorized", "unauthorized");
    public static final ProblemType ILLEGAL_TRANSITION =
            ProblemType.of(409, "Illegal status transition", "illegal-status-transition");
    public static final ProblemType NOT_FAILED = ProblemType.of(409, "Event is not failed", "event-not-failed");
    public static final ProblemType IDEMPOTENCY_KEY_REUSED =
            ProblemType.of(422, "Idempotency key reused", "idempotency-key-reused");
    /**
     * A creation or status change whose commit the database did not confirm and that could not be
     * read back: 503 without {@code Retry-After}.
     */
    public static final ProblemType OUTCOME_UNKNOWN = ProblemType.of(503, "Outcome unknown", "outcome-unknown");

    private OrderApiProblems() {
    }

    /** A validation problem listing the invalid fields. */
    public static Problem validation(String detail, List<FieldError> errors) {
        return Problem.of(VALIDATION, detail).withErrors(errors);
    }
}
